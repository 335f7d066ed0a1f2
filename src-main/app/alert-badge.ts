/**
 * Paints a red dot with a white ring in the bottom-right corner of a raw 32-bit bitmap, in
 * place: the tray icon's way of saying a job failed while the window was hidden. Pure, so the
 * Electron side only converts images (nativeImage.toBitmap / createFromBitmap, whose pixels are
 * BGRA on little-endian machines).
 */
export function paintAlertDot(pixels: Uint8Array, width: number, height: number, order: 'bgra' | 'rgba' = 'bgra'): void {
  if (pixels.length < width * height * 4) throw new RangeError(`A ${width}×${height} bitmap needs ${width * height * 4} bytes; got ${pixels.length}.`);
  const size = Math.min(width, height);
  const radius = Math.max(2, size * 0.24);
  const ring = Math.max(1, size * 0.06);
  const cx = width - radius - 0.5;
  const cy = height - radius - 0.5;
  const red = order === 'bgra' ? [0x26, 0x26, 0xdc] : [0xdc, 0x26, 0x26];
  for (let y = Math.floor(cy - radius - 1); y <= Math.ceil(cy + radius + 1); y++) {
    for (let x = Math.floor(cx - radius - 1); x <= Math.ceil(cx + radius + 1); x++) {
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const distance = Math.hypot(x + 0.5 - (cx + 0.5), y + 0.5 - (cy + 0.5));
      if (distance > radius) continue;
      const at = (y * width + x) * 4;
      const [c0, c1, c2] = distance > radius - ring ? [0xff, 0xff, 0xff] : (red as [number, number, number]);
      pixels[at] = c0;
      pixels[at + 1] = c1;
      pixels[at + 2] = c2;
      pixels[at + 3] = 0xff;
    }
  }
}
