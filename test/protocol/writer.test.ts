// The one stdout writer: one JSON per line, redaction, and backpressure that keeps memory flat for a slow reader.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { logMessage, MessageWriter, recordMessage } from '../../source-azure-client-credentials/protocol.js';
import { redact, registerSecret } from '../../source-azure-client-credentials/secrets.js';

test('a slow reader makes emit wait: the buffered bytes stay bounded by the high-water mark', async () => {
  let received = 0;
  let maxBuffered = 0;
  const slow = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk, _enc, done) {
      received += chunk.length;
      setTimeout(done, 1); // a reader that takes 1 ms per line
    },
  });
  const writer = new MessageWriter(slow);
  const payload = 'x'.repeat(1000);
  for (let i = 0; i < 3000; i++) {
    await writer.emit(recordMessage('users', { id: String(i), payload }));
    maxBuffered = Math.max(maxBuffered, slow.writableLength);
  }
  await writer.flush();
  // The stream's own buffer plus at most one chunk of lines (64 KiB) the writer hands over at once.
  assert.ok(maxBuffered <= 16 * 1024 + 2 * 64 * 1024, `buffered ${maxBuffered} bytes`);
  assert.ok(received > 3000 * 1000);
});

test('each message is one compact JSON line; secrets are cut from logs and traces, never from records', async () => {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const writer = new MessageWriter(sink);
  writer.setRedactor(redact);
  registerSecret('s3cr3t"with\\quotes');
  // A short secret that also appears in ordinary data and in the JSON envelope itself.
  registerSecret('data');
  await writer.emit(logMessage('WARN', 'token s3cr3t"with\\quotes here; metadata'));
  await writer.emit(recordMessage('users', { id: 'a-data-1', department: 'Data' }));
  await writer.flush();
  const lines = chunks.join('').split('\n');
  assert.equal(lines.length, 3);
  const [log, record] = lines.slice(0, 2).map((line) => JSON.parse(line));
  assert.equal(log.log.message, 'token ********** here; meta**********');
  assert.ok(!lines[0]!.includes('s3cr3t'));
  assert.deepEqual(record.record.data, { id: 'a-data-1', department: 'Data' }, 'records are never altered');
});

test('emitRecord writes the very line emit(recordMessage(...)) writes, byte for byte', async () => {
  const out = (emitBoth: (writer: MessageWriter) => void | Promise<void>) => {
    const chunks: string[] = [];
    const writer = new MessageWriter(
      new Writable({
        write(chunk, _enc, done) {
          chunks.push(String(chunk));
          done();
        },
      }),
    );
    return Promise.resolve(emitBoth(writer))
      .then(() => writer.flush())
      .then(() => chunks.join(''));
  };
  const data = { id: 'u-1', displayName: 'Zoë "Z" \\ Ångström', tags: ['a', null], nested: { n: 1.5, ok: true }, none: null };
  const name = 'users';
  // Both lines carry Date.now(): the clock is read once per line, so compare with emitted_at taken out.
  const viaMessage = await out((w) => w.emit(recordMessage(name, data)));
  const viaTemplate = await out((w) => w.emitRecord(JSON.stringify(name), data));
  // A stream's pre-serialised record (emitRecordJson) gives the same line too.
  const viaJson = await out((w) => w.emitRecordJson(JSON.stringify(name), JSON.stringify(data)));
  const stamp = /"emitted_at":\d+\}\}\n$/;
  assert.match(viaMessage, stamp);
  assert.match(viaTemplate, stamp);
  assert.equal(viaTemplate.replace(stamp, ''), viaMessage.replace(stamp, ''));
  assert.equal(viaJson.replace(stamp, ''), viaMessage.replace(stamp, ''));
  assert.deepEqual(JSON.parse(viaTemplate), {
    ...JSON.parse(viaMessage),
    record: { ...JSON.parse(viaMessage).record, emitted_at: JSON.parse(viaTemplate).record.emitted_at },
  });
});

test('lines of any length and script come out whole, in order, each write ending at a line end', async () => {
  const writes: Buffer[] = [];
  const writer = new MessageWriter(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        if (chunk.length > 0) writes.push(chunk); // flush() ends with an empty write
        done();
      },
    }),
  );
  // ASCII, 2- and 3-byte characters, surrogate pairs (4 bytes), and a record larger than a chunk (64 KiB).
  const texts = ['plain', 'Zoë Ångström', '東京 本社', 'emoji 🙂🚀', 'x'.repeat(200_000), '€'.repeat(30_000)];
  const records = Array.from({ length: 3000 }, (_, i) => ({ id: `r${i}`, text: texts[i % texts.length]!.repeat(1 + (i % 3)) }));
  const streamJson = JSON.stringify('users');
  for (const [i, record] of records.entries()) {
    const full = i % 2 === 0 ? writer.emitRecord(streamJson, record) : writer.emit(recordMessage('users', record));
    if (full) await full;
  }
  await writer.flush();
  assert.ok(writes.length > 1);
  for (const chunk of writes) assert.equal(chunk.at(-1), 0x0a, 'no line is split between two writes');
  const lines = Buffer.concat(writes).toString('utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(
    lines.map((line) => JSON.parse(line).record.data),
    records,
  );
});
