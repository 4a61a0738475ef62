/**
 * @module Event ids, the idempotency key of each event: UUIDv7 (RFC 9562), a millisecond timestamp
 * then random bits, increasing within the tab (a 12-bit counter in `rand_a` orders ids of the same
 * millisecond, RFC 9562 method 1). Written out here rather than taken from the uuidv7 package,
 * which was 1.6 KB of the station's first download for these few lines.
 */

let lastMs = -1;
let counter = 0;

export function newEventId(nowMs: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = (((bytes[6] ?? 0) & 0x07) << 8) | (bytes[7] ?? 0); // a random start below 0x800: room to count
  } else if (++counter > 0xfff) {
    lastMs++; // 4,096 ids in one millisecond: borrow the next one
    counter = 0;
  }
  let ms = lastMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
