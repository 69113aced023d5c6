// Synthetic configs and catalogs for tests that need no tenant (fake GUIDs only).
export const FAKE_SECRET = 'fake-secret-Value~0123456789abcdefXYZ';

export function validConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenant_id: '00000000-0000-4000-8000-000000000001',
    client_id: '00000000-0000-4000-8000-000000000002',
    credentials: { auth_type: 'client_secret', client_secret: FAKE_SECRET },
    ...overrides,
  };
}

export function catalogOf(streams: { name: string; sync_mode?: string; cursor_field?: string[] }[]): object {
  return {
    streams: streams.map(({ name, sync_mode = 'full_refresh', cursor_field }) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode,
      destination_sync_mode: 'append',
      ...(cursor_field ? { cursor_field } : {}),
    })),
  };
}
