// The tray icon's failure mark: a red dot, ringed in white, in the bottom-right corner; the
// rest of the icon is left as it was.
import { describe, expect, it } from 'vitest';
import { paintAlertDot } from '../../../src-main/app/alert-badge.js';

const SIZE = 22;
const pixel = (pixels: Uint8Array, x: number, y: number): number[] => [...pixels.subarray((y * SIZE + x) * 4, (y * SIZE + x) * 4 + 4)];

describe('paintAlertDot', () => {
  it('paints an opaque red dot ringed in white in the bottom-right corner and nothing elsewhere', () => {
    const icon = new Uint8Array(SIZE * SIZE * 4).fill(0x40);
    paintAlertDot(icon, SIZE, SIZE, 'rgba');
    const radius = SIZE * 0.24;
    const centre = Math.round(SIZE - radius - 1);
    expect(pixel(icon, centre, centre)).toEqual([0xdc, 0x26, 0x26, 0xff]);
    // Its edge is the white ring, so the dot shows on dark and light panels alike.
    expect(pixel(icon, SIZE - 1, centre)).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(pixel(icon, 0, 0)).toEqual([0x40, 0x40, 0x40, 0x40]);
    expect(pixel(icon, SIZE - 1, 0)).toEqual([0x40, 0x40, 0x40, 0x40]);
    expect(pixel(icon, 0, SIZE - 1)).toEqual([0x40, 0x40, 0x40, 0x40]);
  });

  it('writes red in the byte order of the bitmap (BGRA from nativeImage)', () => {
    const icon = new Uint8Array(SIZE * SIZE * 4);
    paintAlertDot(icon, SIZE, SIZE, 'bgra');
    const centre = Math.round(SIZE - SIZE * 0.24 - 1);
    expect(pixel(icon, centre, centre)).toEqual([0x26, 0x26, 0xdc, 0xff]);
  });

  it('refuses a buffer too short for the size', () => {
    expect(() => paintAlertDot(new Uint8Array(10), SIZE, SIZE)).toThrow(RangeError);
  });
});
