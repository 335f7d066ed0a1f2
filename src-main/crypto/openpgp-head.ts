/**
 * Reads the head of an OpenPGP message (its key packets and the start of the encrypted data
 * packet) from the first bytes of a file, without any secret: enough to tell how an archive
 * is encrypted and to check a passphrase before streaming gigabytes through the wrong key.
 */

/** One public-key or symmetric-key session packet at the head of a message. */
export type SessionKeyPacket =
  | { readonly kind: 'pkesk'; readonly version: number; readonly keyId: string; readonly fingerprint?: string }
  /** `cipher`: a v4 packet's symmetric algorithm id (RFC 4880 §5.3), in the clear. */
  | { readonly kind: 'skesk'; readonly version: number; readonly cipher?: number };

export interface MessageHead {
  readonly sessionKeyPackets: readonly SessionKeyPacket[];
  /** The encrypted data packet: 18 SEIPD, 9 SED (no integrity), 20 AEAD (GnuPG OCB). */
  readonly dataTag: number;
  /** The first bytes of the data packet's body (SEIPD: version byte, then ciphertext). */
  readonly dataStart: Uint8Array;
  /** Where the data packet's header starts, in the (dearmored) message. */
  readonly dataOffset: number;
}

export type HeadResult =
  | { readonly status: 'ok'; readonly head: MessageHead }
  | { readonly status: 'need-more' }
  | { readonly status: 'not-encrypted' };

const ARMOR_BEGIN = '-----BEGIN PGP MESSAGE-----';
const TAG_PKESK = 1;
const TAG_SKESK = 3;
const TAG_MARKER = 10;
const DATA_TAGS = new Set([9, 18, 20]);

export function isGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A POSIX (ustar) or GNU tar header block: "ustar" at offset 257. */
export function isTarMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 262 && Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar';
}

export function isArmored(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.subarray(0, 200)).toString('latin1').trimStart();
  return text.startsWith(ARMOR_BEGIN);
}

/** Plausibly binary OpenPGP: the first byte is a packet header of a key or data packet. */
export function looksLikeOpenPgp(bytes: Uint8Array): boolean {
  if (isArmored(bytes)) return true;
  const b0 = bytes[0];
  if (b0 === undefined || (b0 & 0x80) === 0) return false;
  const tag = b0 & 0x40 ? b0 & 0x3f : (b0 >> 2) & 0x0f;
  return tag === TAG_PKESK || tag === TAG_SKESK || tag === TAG_MARKER || DATA_TAGS.has(tag);
}

/**
 * Decodes as much of an ASCII-armored message as the given prefix holds. Returns undefined
 * until the header lines have been read.
 */
export function dearmorPrefix(bytes: Uint8Array): Uint8Array | undefined {
  const text = Buffer.from(bytes).toString('latin1');
  const begin = text.indexOf(ARMOR_BEGIN);
  if (begin < 0) return undefined;
  const lines = text.slice(begin + ARMOR_BEGIN.length).split(/\r?\n/);
  let i = 1;
  while (i < lines.length && lines[i]!.trim() !== '') i++; // armor headers ("Comment: ...")
  if (i >= lines.length - 1) return undefined;
  let base64 = '';
  // The last line may be cut in the middle; leave it out.
  for (const line of lines.slice(i + 1, -1)) {
    const t = line.trim();
    if (t.startsWith('=') || t.startsWith('-----')) break;
    base64 += t;
  }
  return Buffer.from(base64.slice(0, base64.length - (base64.length % 4)), 'base64');
}

/** Parses packet headers from the start of a binary OpenPGP message. */
export function parseMessageHead(bytes: Uint8Array): HeadResult {
  let pos = 0;
  const sessionKeyPackets: SessionKeyPacket[] = [];
  for (;;) {
    const header = readPacketHeader(bytes, pos);
    if (header === 'need-more') return { status: 'need-more' };
    if (header === 'invalid') return { status: 'not-encrypted' };
    const { tag, bodyStart, length } = header;
    const dataOffset = pos;
    if (DATA_TAGS.has(tag)) {
      // The first partial chunk is at least 512 bytes, so 32 bytes are always in it.
      if (bytes.length < bodyStart + 32) return { status: 'need-more' };
      return { status: 'ok', head: { sessionKeyPackets, dataTag: tag, dataStart: bytes.slice(bodyStart, bodyStart + 32), dataOffset } };
    }
    if (tag !== TAG_PKESK && tag !== TAG_SKESK && tag !== TAG_MARKER) return { status: 'not-encrypted' };
    if (length === undefined) return { status: 'not-encrypted' }; // key packets have definite lengths
    if (bytes.length < bodyStart + length) return { status: 'need-more' };
    const body = bytes.subarray(bodyStart, bodyStart + length);
    if (tag === TAG_PKESK) sessionKeyPackets.push(parsePkesk(body));
    if (tag === TAG_SKESK) sessionKeyPackets.push(body[0] === 4 ? { kind: 'skesk', version: 4, cipher: body[1] } : { kind: 'skesk', version: body[0] ?? 0 });
    pos = bodyStart + length;
  }
}

function parsePkesk(body: Uint8Array): SessionKeyPacket {
  const version = body[0] ?? 0;
  if (version === 3) return { kind: 'pkesk', version, keyId: hex(body.subarray(1, 9)) };
  // v6: a length octet, then the key version and its fingerprint (absent for anonymous recipients).
  const n = body[1] ?? 0;
  if (n === 0) return { kind: 'pkesk', version, keyId: '0000000000000000' };
  const keyVersion = body[2];
  const fingerprint = hex(body.subarray(3, 2 + n));
  const keyId = keyVersion === 4 ? fingerprint.slice(-16) : fingerprint.slice(0, 16);
  return { kind: 'pkesk', version, keyId, fingerprint };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

type PacketHeader = { tag: number; bodyStart: number; length?: number };

function readPacketHeader(bytes: Uint8Array, pos: number): PacketHeader | 'need-more' | 'invalid' {
  const b0 = bytes[pos];
  if (b0 === undefined) return 'need-more';
  if ((b0 & 0x80) === 0) return 'invalid';
  if (b0 & 0x40) {
    const tag = b0 & 0x3f;
    const l1 = bytes[pos + 1];
    if (l1 === undefined) return 'need-more';
    if (l1 < 192) return { tag, bodyStart: pos + 2, length: l1 };
    if (l1 < 224) {
      const l2 = bytes[pos + 2];
      if (l2 === undefined) return 'need-more';
      return { tag, bodyStart: pos + 3, length: ((l1 - 192) << 8) + l2 + 192 };
    }
    if (l1 === 255) {
      if (bytes.length < pos + 6) return 'need-more';
      return { tag, bodyStart: pos + 6, length: Buffer.from(bytes.subarray(pos + 2, pos + 6)).readUInt32BE(0) };
    }
    return { tag, bodyStart: pos + 2 }; // partial body length: only data packets use it
  }
  const tag = (b0 >> 2) & 0x0f;
  const lengthType = b0 & 0x03;
  if (lengthType === 3) return { tag, bodyStart: pos + 1 };
  const size = 1 << lengthType;
  if (bytes.length < pos + 1 + size) return 'need-more';
  let length = 0;
  for (let i = 0; i < size; i++) length = length * 256 + bytes[pos + 1 + i]!;
  return { tag, bodyStart: pos + 1 + size, length };
}
