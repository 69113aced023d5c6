// The one stdout writer: one JSON per line, redaction, and backpressure that keeps memory flat for a slow reader.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { MessageWriter, recordMessage } from '../source-azure-client-credentials/protocol.js';
import { redact, registerSecret } from '../source-azure-client-credentials/secrets.js';

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

test('each message is one compact JSON line, and registered secrets are cut from it', async () => {
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
  await writer.emit(recordMessage('users', { id: '1', note: 'token s3cr3t"with\\quotes here' }));
  await writer.flush();
  const text = chunks.join('');
  assert.equal(text.split('\n').length, 2);
  assert.ok(!text.includes('s3cr3t'), text);
  assert.equal(JSON.parse(text).record.data.note, 'token ********** here');
});
