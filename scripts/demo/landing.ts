// Lands Airbyte records in DuckDB: raw JSON staged through the appender, then one typed table per stream,
// de-duplicated by primary key (the latest emitted wins; _ab_cdc_deleted_at deletes), typed from the stream's JSON schema.
import { type DuckDBAppender, type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

type JsonSchema = Record<string, any>;

export interface StreamTarget {
  name: string;
  jsonSchema: JsonSchema;
  primaryKey: string[][];
  /** overwrite replaces the table; append_dedup merges into it, keyed by the primary key. */
  mode: 'overwrite' | 'append_dedup';
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
/** A JSON path for one top-level member, quoted so any property name is safe. */
const member = (name: string) => literal(`$."${name.replace(/"/g, '\\"')}"`);

/** The DuckDB type of a property: scalars as themselves, date-times as TIMESTAMPTZ, string lists as VARCHAR[], the rest as JSON. */
export function sqlType(property: JsonSchema): string {
  const types = (Array.isArray(property.type) ? property.type : [property.type]).filter((t: unknown) => t && t !== 'null');
  if (types.length !== 1) return 'JSON';
  switch (types[0]) {
    case 'string':
      return property.format === 'date-time' ? 'TIMESTAMPTZ' : property.format === 'date' ? 'DATE' : 'VARCHAR';
    case 'boolean':
      return 'BOOLEAN';
    case 'integer':
      return 'BIGINT';
    case 'number':
      return 'DOUBLE';
    case 'array': {
      const items = property.items ?? {};
      const itemTypes = (Array.isArray(items.type) ? items.type : [items.type]).filter((t: unknown) => t && t !== 'null');
      return itemTypes.length === 1 && itemTypes[0] === 'string' && !items.format ? 'VARCHAR[]' : 'JSON';
    }
    default:
      return 'JSON';
  }
}

/** The expression that reads one property out of the staged JSON `data` as its column type (a bad value fails the load). */
function columnExpression(name: string, property: JsonSchema): string {
  const type = sqlType(property);
  if (type === 'VARCHAR') return `data->>${member(name)}`;
  if (type === 'JSON') return `NULLIF(data->${member(name)}, 'null')`;
  if (type === 'VARCHAR[]') return `CAST(data->${member(name)} AS VARCHAR[])`;
  return `CAST(data->>${member(name)} AS ${type})`;
}

/** SELECT list of a stream's typed columns from the staging table, plus when Airbyte emitted each record. */
function typedColumns(target: StreamTarget): string {
  const columns = Object.entries<JsonSchema>(target.jsonSchema.properties ?? {}).map(
    ([name, property]) => `${columnExpression(name, property)} AS ${ident(name)}`,
  );
  return [...columns, `make_timestamptz(emitted_at * 1000) AS _airbyte_extracted_at`].join(',\n  ');
}

const keyExpression = (target: StreamTarget) =>
  target.primaryKey.map((path) => `data->>${literal(`$.${path.map((p) => `"${p}"`).join('.')}`)}`).join(', ');

/** A DuckDB file that records are staged into during a read and turned into typed tables at the end. */
export class Landing {
  private sequence = 0n;
  private appender: DuckDBAppender | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string): Promise<Landing> {
    const instance = await DuckDBInstance.create(path);
    return new Landing(instance, await instance.connect());
  }

  async tableExists(name: string): Promise<boolean> {
    const reader = await this.connection.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ${literal(name)}`,
    );
    return (reader.getRowObjectsJS()[0]!.n as number) > 0;
  }

  /** A temporary staging table: if the read fails, nothing of it reaches the file. */
  async startStaging(): Promise<void> {
    await this.connection.run('CREATE OR REPLACE TEMP TABLE _airbyte_staging (stream VARCHAR, seq BIGINT, emitted_at BIGINT, data JSON)');
    this.appender = await this.connection.createAppender('_airbyte_staging', 'main', 'temp');
  }

  /** Appends one RECORD (synchronous: the appender buffers and flushes in chunks). */
  stage(stream: string, emittedAt: number, data: object): void {
    const appender = this.appender!;
    appender.appendVarchar(stream);
    appender.appendBigInt(this.sequence++);
    appender.appendBigInt(BigInt(emittedAt));
    appender.appendVarchar(JSON.stringify(data));
    appender.endRow();
  }

  /** Builds every stream's typed table from what was staged, in one transaction. */
  async finish(targets: StreamTarget[]): Promise<void> {
    this.appender?.closeSync();
    this.appender = undefined;
    const statements: string[] = [];
    for (const target of targets) {
      // Airbyte's deletion convention (CDC): a record with _ab_cdc_deleted_at set removes its key.
      const deletes = '_ab_cdc_deleted_at' in (target.jsonSchema.properties ?? {});
      const live = (select: string) => (deletes ? `SELECT * FROM (${select}) WHERE "_ab_cdc_deleted_at" IS NULL` : select);
      const table = ident(target.name);
      const fresh = `SELECT ${typedColumns(target)}
FROM _airbyte_staging WHERE stream = ${literal(target.name)}
QUALIFY row_number() OVER (PARTITION BY ${keyExpression(target)} ORDER BY seq DESC) = 1`;
      if (target.mode === 'overwrite' || !(await this.tableExists(target.name))) {
        statements.push(`CREATE OR REPLACE TABLE ${table} AS ${live(fresh)}`);
      } else {
        // Append-dedup: this run's version of a key replaces the stored one; older keys stay.
        const keys = target.primaryKey.map((path) => ident(path[0]!)).join(', ');
        const merged = `SELECT * EXCLUDE (_precedence) FROM (
  SELECT *, 0 AS _precedence FROM ${table}
  UNION ALL BY NAME
  SELECT *, 1 AS _precedence FROM (${fresh})
)
QUALIFY row_number() OVER (PARTITION BY ${keys} ORDER BY _precedence DESC) = 1`;
        statements.push(`CREATE OR REPLACE TABLE ${table} AS ${live(merged)}`);
      }
    }
    await this.connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of statements) await this.connection.run(statement);
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
    await this.connection.run('DROP TABLE IF EXISTS temp.main._airbyte_staging');
  }

  /** Rows of a query as plain JavaScript objects. */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  }

  close(): void {
    this.appender?.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
