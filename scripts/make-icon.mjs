// Draws resources/icon.png: a red and white lifebuoy on a transparent square, 512 px (what
// electron-builder asks for to make macOS and Windows icons too). Run it again after
// changing the drawing; the PNG is committed so builds need nothing but this repository.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // per axis, for smooth edges
const RED = [200, 44, 36];
const WHITE = [250, 250, 248];
const ROPE = [120, 92, 60];
const EDGE = [70, 72, 78];

/** Colour at a point in [-1, 1]², or null outside the buoy. */
function colourAt(x, y) {
  const r = Math.hypot(x, y);
  if (r > 0.95 || r < 0.5) return null;
  // Dark edges keep the white bands visible on light backgrounds.
  if (r > 0.93 || r < 0.52) return EDGE;
  // A thin rope around the outside, as on a real buoy.
  if (r > 0.885 && r < 0.915) return ROPE;
  // Four bands, turned 45° so the red ones sit at the corners.
  const angle = Math.atan2(y, x) + Math.PI / 4;
  const quadrant = Math.floor(((angle + 2 * Math.PI) % (2 * Math.PI)) / (Math.PI / 2));
  return quadrant % 2 === 0 ? RED : WHITE;
}

const rows = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1);
  rows[row] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let [r, g, b, hits] = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const x = ((px + (sx + 0.5) / SAMPLES) / SIZE) * 2 - 1;
        const y = ((py + (sy + 0.5) / SAMPLES) / SIZE) * 2 - 1;
        const c = colourAt(x, y);
        if (c) {
          r += c[0];
          g += c[1];
          b += c[2];
          hits++;
        }
      }
    }
    const at = row + 1 + px * 4;
    if (hits > 0) {
      rows[at] = Math.round(r / hits);
      rows[at + 1] = Math.round(g / hits);
      rows[at + 2] = Math.round(b / hits);
      rows[at + 3] = Math.round((255 * hits) / (SAMPLES * SAMPLES));
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../resources/icon.png', import.meta.url), png);
console.log(`resources/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);
