// The bare loop's HTTP: node:https on a keep-alive agent that trusts the emulator's CA, the answer's body as text; no got, no retries.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { fixture } from '../test/emulator/state.js';

/** A keep-alive agent for the emulator (its fixture CA); destroy it when done. */
export const bareAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 16, ca: readFileSync(fixture('ca.pem')) });

/** One request; resolves the body of a 200 answer as text, rejects any other status with the start of its body. */
export function bareRequest(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${method} ${url} -> ${res.statusCode}: ${text.slice(0, 300)}`));
        else resolve(text);
      });
      res.on('error', reject);
    });
    call.on('error', reject);
    call.end(body);
  });
}
