/**
 * Reading one member of a ZIP archive (PKWARE APPNOTE.TXT, sections 4.3.7 local file header,
 * 4.3.12 central directory header, 4.3.16 end of central directory record), enough for dataset
 * archives such as UCI's dataset_diabetes.zip without adding a dependency. The central directory
 * is authoritative for sizes and offsets (the local header's may be zero when bit 3 of the flags
 * defers them to a data descriptor). Supported: methods 0 (stored) and 8 (deflate, inflated
 * with zlib.inflateRawSync); CRC-32 is checked. Not supported: ZIP64 (members or archives over
 * 4 GiB), encryption, multi-disk archives; each is a one-line BAD_INPUT error.
 */
import { inflateRawSync } from 'node:zlib';
import { badInput } from '../core/errors.js';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;
const EOCD_MIN = 22;

/** Central-directory entries of an archive (`label` names it in errors). */
export function listZip(zip: Buffer, label = 'zip archive'): ZipEntry[] {
  // The end record sits in the last 22 bytes plus an optional comment of up to 65,535 bytes.
  let eocd = -1;
  for (let p = zip.length - EOCD_MIN; p >= Math.max(0, zip.length - EOCD_MIN - 0xffff); p--) {
    if (zip.readUInt32LE(p) === EOCD_SIG) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw badInput(`${label}: not a ZIP archive (no end-of-central-directory record); check that the file is the upstream .zip`);
  const disk = zip.readUInt16LE(eocd + 4);
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (disk !== 0) throw badInput(`${label}: multi-disk ZIP archives are not supported; re-create the archive as a single file`);
  if (count === 0xffff || cdOffset === 0xffffffff) throw badInput(`${label}: ZIP64 archives are not supported; use an archive under 4 GiB with fewer than 65,535 members`);
  if (cdOffset + cdSize > eocd) throw badInput(`${label}: the central directory lies outside the archive (truncated download?); fetch the file again`);

  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CEN_SIG) throw badInput(`${label}: central directory entry ${k + 1} is damaged; fetch the file again`);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    entries.push({
      flags: zip.readUInt16LE(p + 8),
      method: zip.readUInt16LE(p + 10),
      crc32: zip.readUInt32LE(p + 16),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      localHeaderOffset: zip.readUInt32LE(p + 42),
      name: zip.toString('utf8', p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * Bytes of the member whose path is `name` or ends with `/name` (archives often wrap files in a
 * folder, as dataset_diabetes.zip does).
 */
export function readZipEntry(zip: Buffer, name: string, label = 'zip archive'): Buffer {
  const entries = listZip(zip, label);
  const e = entries.find((x) => x.name === name) ?? entries.find((x) => x.name.endsWith(`/${name}`));
  if (!e) throw badInput(`${label}: has no member ${name} (members: ${entries.map((x) => x.name).join(', ') || 'none'}); check that the file is the upstream archive`);
  if (e.flags & 1) throw badInput(`${label}: member ${e.name} is encrypted; use an unencrypted archive`);
  if (e.size === 0xffffffff || e.compressedSize === 0xffffffff || e.localHeaderOffset === 0xffffffff) {
    throw badInput(`${label}: member ${e.name} needs ZIP64, which is not supported; use a member under 4 GiB`);
  }
  const h = e.localHeaderOffset;
  if (h + 30 > zip.length || zip.readUInt32LE(h) !== LOC_SIG) throw badInput(`${label}: local header of ${e.name} is damaged; fetch the file again`);
  const start = h + 30 + zip.readUInt16LE(h + 26) + zip.readUInt16LE(h + 28);
  const end = start + e.compressedSize;
  if (end > zip.length) throw badInput(`${label}: member ${e.name} is truncated; fetch the file again`);
  const raw = zip.subarray(start, end);
  let data: Buffer;
  if (e.method === 0) data = Buffer.from(raw);
  else if (e.method === 8) {
    try {
      data = inflateRawSync(raw);
    } catch (err) {
      throw badInput(`${label}: member ${e.name} does not inflate (${(err as Error).message}); fetch the file again`);
    }
  } else {
    throw badInput(`${label}: member ${e.name} uses compression method ${e.method}; only stored (0) and deflate (8) are supported, re-create the archive with deflate`);
  }
  if (data.length !== e.size) throw badInput(`${label}: member ${e.name} inflated to ${data.length} bytes, expected ${e.size}; fetch the file again`);
  const crc = crc32(data);
  if (crc !== e.crc32) throw badInput(`${label}: member ${e.name} has CRC-32 ${hex8(crc)}, expected ${hex8(e.crc32)}; fetch the file again`);
  return data;
}

function hex8(x: number): string {
  return x.toString(16).padStart(8, '0');
}

let CRC_TABLE: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as stored in ZIP headers. */
export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  const t = CRC_TABLE;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
