// A small Dockerfile reader: stages, instructions, and the final image's env, labels, entrypoint, user and workdir.
// It covers the syntax this repository's Dockerfile uses (https://docs.docker.com/reference/dockerfile/), no more.
import { posix } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** The WORKDIR in effect when the instruction runs. */
  workdir: string;
}

export interface Stage {
  /** The base image with the build arguments resolved (their ARG defaults unless `buildArgs` sets them). */
  from: string;
  /** The base image as the FROM line writes it, e.g. ${NODE_IMAGE}. */
  declaredFrom: string;
  name?: string;
  instructions: Instruction[];
}

/**
 * Splits a Dockerfile into stages of instructions, joining `\` continuations and dropping comments. ARGs before the
 * first FROM are the build arguments a FROM may use (`docker build --build-arg NAME=value` overrides, as `buildArgs`).
 */
export function parseDockerfile(text: string, buildArgs: Record<string, string> = {}): Stage[] {
  const stages: Stage[] = [];
  const globalArgs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  let workdir = '/';
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(#.*)?$/.test(lines[i])) continue;
    const start = i + 1;
    let joined = lines[i];
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      joined = joined.replace(/\\\s*$/, ' ');
      i++;
      // Comment lines inside a continuation are removed by Docker before the instruction is parsed.
      if (!/^\s*#/.test(lines[i])) joined += lines[i];
    }
    const match = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(joined);
    if (!match) throw new Error(`Dockerfile line ${start} is not an instruction: ${joined}`);
    const keyword = match[1].toUpperCase();
    const args = match[2].trim().replace(/\s+/g, ' ');
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = args.split(/=(.*)/s);
      globalArgs[name!] = buildArgs[name!] ?? value;
      continue;
    }
    if (keyword === 'FROM') {
      const [declaredFrom, as, name] = args.split(' ');
      const from = declaredFrom!.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, arg: string) => {
        if (!(arg in globalArgs))
          throw new Error(`Dockerfile line ${start}: FROM uses $${arg}, which no ARG before the first FROM declares`);
        return globalArgs[arg]!;
      });
      stages.push({ from, declaredFrom: declaredFrom!, ...(as?.toUpperCase() === 'AS' ? { name } : {}), instructions: [] });
      workdir = '/';
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${start}: ${keyword} before any FROM`);
    if (keyword === 'WORKDIR') workdir = posix.resolve(workdir, args);
    stage.instructions.push({ keyword, args, line: start, workdir });
  }
  return stages;
}

/** Parses `KEY=value KEY2="quoted value"` (ENV and LABEL); the legacy `KEY value` form too. */
export function keyValues(args: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (!/^[^\s=]+=/.test(args)) {
    const [key, ...rest] = args.split(' ');
    result[key] = rest.join(' ');
    return result;
  }
  const pattern = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const [, key, raw] of args.matchAll(pattern)) {
    result[key] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.startsWith("'") ? raw.slice(1, -1) : raw;
  }
  return result;
}

export interface Image {
  stages: Stage[];
  final: Stage;
  env: Record<string, string>;
  labels: Record<string, string>;
  /** Exec (JSON) form only; undefined when the shell form or no ENTRYPOINT is used. */
  entrypoint: string[] | undefined;
  user: string | undefined;
  workdir: string;
  runs: string[];
}

/** What the final stage configures, as `docker inspect` would show it. */
export function describeImage(text: string, buildArgs: Record<string, string> = {}): Image {
  const stages = parseDockerfile(text, buildArgs);
  const final = stages.at(-1);
  if (!final) throw new Error('The Dockerfile has no FROM');
  const of = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);
  const env = Object.assign({}, ...of('ENV').map((i) => keyValues(i.args))) as Record<string, string>;
  const labels = Object.assign({}, ...of('LABEL').map((i) => keyValues(i.args))) as Record<string, string>;
  const last = of('ENTRYPOINT').at(-1)?.args;
  let entrypoint: string[] | undefined;
  if (last?.startsWith('[')) entrypoint = JSON.parse(last) as string[];
  return {
    stages,
    final,
    env,
    labels,
    entrypoint,
    user: of('USER').at(-1)?.args,
    workdir: final.instructions.at(-1)?.workdir ?? '/',
    runs: of('RUN').map((i) => i.args),
  };
}
