// Messages that tell an administrator which application permission to grant, and where.

export const CONSENT_PATH =
  'Entra admin center > App registrations > the app > API permissions > Add a permission > Microsoft Graph > Application permissions, then "Grant admin consent"';

/** One sentence for a stream that lacks application permissions. */
export function permissionMessage(stream: string, missing: string[]): string {
  const list = missing.join(' and ');
  return `The ${stream} stream needs the Microsoft Graph application permission ${list} with admin consent. Add it in ${CONSENT_PATH}.`;
}
