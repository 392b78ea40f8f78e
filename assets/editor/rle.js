// Label Studio's brush RLE: an RGBA mask packed by @thi.ng/rle-pack (word size 8, run sizes 3, 4, 8, 16).
//
// The stream holds 32 bits: the number of values (width × height × 4), 5 bits: word size − 1, four
// 4-bit run sizes − 1, then chunks of a repeat flag, 2 bits choosing a run size, the count − 1 in that
// many bits, and one value (a repeat) or `count` values (literals); big-endian within each byte.
// A mask is kept as its alpha channel, the channel Label Studio's converter and lsdesk's exporter read.
// Pure functions: no DOM.

const WORD_SIZE = 8;
const RUN_SIZES = [3, 4, 8, 16];
const LONGEST_RUN = 2 ** 16;

// Big-endian bit fields written into a growing byte array.
class BitWriter {
  constructor() {
    this.bytes = new Uint8Array(1024);
    this.bit = 0; // bits written
  }

  write(value, count) {
    for (let left = count; left > 0;) {
      const at = this.bit >> 3;
      if (at >= this.bytes.length) {
        const grown = new Uint8Array(this.bytes.length * 2);
        grown.set(this.bytes);
        this.bytes = grown;
      }
      const free = 8 - (this.bit & 7);
      const take = Math.min(free, left);
      const part = Math.floor(value / 2 ** (left - take)) & ((1 << take) - 1);
      this.bytes[at] |= part << (free - take);
      this.bit += take;
      left -= take;
    }
  }
}

// The RLE of a mask given by its alpha values (one byte per pixel, row by row), written as
// label-studio-converter's `mask2rle` writes it: each pixel's value in all four channels (R=G=B=A),
// one repeat chunk per run (a run covers four values at least), and zero bits up to the next byte —
// a whole zero byte when the stream already ends on one, as the converter does. Returns plain numbers.
// With `bounds` ({x0, y0, x1, y1}, outside which every pixel is 0, of rows `width` long) zeros outside
// are skipped unread.
export function encodeMask(alpha, width = alpha.length, bounds = null) {
  const out = new BitWriter();
  out.write(alpha.length * 4, 32);
  out.write(WORD_SIZE - 1, 5);
  for (const size of RUN_SIZES) out.write(size - 1, 4);
  const count = alpha.length;
  // Long runs are skipped four pixels at a time.
  const words = alpha.byteOffset % 4 === 0 ? new Uint32Array(alpha.buffer, alpha.byteOffset, count >> 2) : null;
  let start = 0;
  while (start < count) {
    const value = alpha[start];
    let end = start + 1;
    if (value === 0 && bounds) {
      end = zeroRunEnd(alpha, width, bounds, end);
      writeRun(out, (end - start) * 4, 0);
      start = end;
      continue;
    }
    while (end < count && (end & 3) && alpha[end] === value) end += 1;
    if (words && end < count && alpha[end] === value) {
      const pattern = (value * 0x01010101) >>> 0;
      let word = end >> 2;
      while (word < words.length && words[word] === pattern) word += 1;
      end = word << 2;
    }
    while (end < count && alpha[end] === value) end += 1;
    writeRun(out, (end - start) * 4, value);
    start = end;
  }
  out.write(0, 8 - (out.bit & 7));
  return Array.from(out.bytes.subarray(0, out.bit >> 3));
}

// Where a run of zeros from `at` ends, jumping over the rows and columns outside the bounds.
function zeroRunEnd(alpha, width, bounds, at) {
  const count = alpha.length;
  while (at < count) {
    const row = Math.floor(at / width);
    const column = at - row * width;
    if (row < bounds.y0) at = bounds.y0 * width;
    else if (row >= bounds.y1) return count;
    else if (column < bounds.x0) at = row * width + bounds.x0;
    else if (column >= bounds.x1) at = (row + 1) * width;
    else {
      const rowEnd = row * width + bounds.x1;
      while (at < rowEnd && alpha[at] === 0) at += 1;
      if (at < rowEnd) return at;
    }
  }
  return count;
}

// One repeated value `length` times: chunks of the smallest run size that holds it, 65536 at most each.
function writeRun(out, length, value) {
  while (length > LONGEST_RUN) {
    writeChunk(out, 3, LONGEST_RUN, value);
    length -= LONGEST_RUN;
  }
  const choice = RUN_SIZES.findIndex((size) => length <= 2 ** size);
  writeChunk(out, choice, length, value);
}

function writeChunk(out, choice, length, value) {
  out.write(1, 1);
  out.write(choice, 2);
  out.write(length - 1, RUN_SIZES[choice]);
  out.write(value, WORD_SIZE);
}

// Big-endian bit fields read from an array of byte values.
class BitReader {
  constructor(bytes) {
    this.bytes = bytes;
    this.bit = 0;
    this.total = bytes.length * 8;
  }

  read(count) {
    if (this.bit + count > this.total) throw new Error("brush RLE ends too early");
    let value = 0;
    for (let left = count; left > 0;) {
      const byte = this.bytes[this.bit >> 3];
      const free = 8 - (this.bit & 7);
      const take = Math.min(free, left);
      value = value * 2 ** take + ((byte >> (free - take)) & ((1 << take) - 1));
      this.bit += take;
      left -= take;
    }
    return value;
  }
}

// The alpha channel of an RLE-packed RGBA mask of width × height pixels (any word and run sizes, as
// @thi.ng/rle-pack's decoder reads them). Throws when the RLE is not a mask of that size.
export function decodeAlpha(rle, width, height) {
  return decodeMask(rle, width, height).alpha;
}

// {alpha, bounds}: the alpha channel and the smallest {x0, y0, x1, y1} holding its pixels that are not 0.
export function decodeMask(rle, width, height) {
  if (!Array.isArray(rle) || rle.some((byte) => !Number.isInteger(byte) || byte < 0 || byte > 255)) {
    throw new Error("brush RLE is not a list of byte values");
  }
  const input = new BitReader(rle);
  const count = input.read(32);
  if (count !== width * height * 4) {
    throw new Error(`brush RLE holds ${count} values, a ${width}×${height} mask needs ${width * height * 4}`);
  }
  const wordSize = input.read(5) + 1;
  const runSizes = [0, 1, 2, 3].map(() => input.read(4) + 1);
  const alpha = new Uint8Array(width * height);
  const bounds = { x0: width, y0: height, x1: 0, y1: 0 };
  // Pixels [first, end) are not 0: widen the bounds to hold them.
  const hold = (first, end) => {
    const top = Math.floor(first / width);
    const bottom = Math.floor((end - 1) / width);
    bounds.y0 = Math.min(bounds.y0, top);
    bounds.y1 = Math.max(bounds.y1, bottom + 1);
    if (top === bottom) {
      bounds.x0 = Math.min(bounds.x0, first - top * width);
      bounds.x1 = Math.max(bounds.x1, end - top * width);
    } else {
      bounds.x0 = 0;
      bounds.x1 = width;
    }
  };
  for (let at = 0; at < count;) {
    const repeat = input.read(1);
    const end = Math.min(at + 1 + input.read(runSizes[input.read(2)]), count);
    if (repeat) {
      // Value i is channel i % 4 of pixel i / 4: the alpha values of [at, end) are pixels [at/4, end/4).
      const value = input.read(wordSize) & 0xff;
      if (value && end >> 2 > at >> 2) {
        alpha.fill(value, at >> 2, end >> 2);
        hold(at >> 2, end >> 2);
      }
      at = end;
    } else {
      for (; at < end; at += 1) {
        const value = input.read(wordSize) & 0xff;
        if ((at & 3) === 3 && value) {
          alpha[at >> 2] = value;
          hold(at >> 2, (at >> 2) + 1);
        }
      }
    }
  }
  if (bounds.x1 <= bounds.x0) return { alpha, bounds: { x0: 0, y0: 0, x1: 0, y1: 0 } };
  return { alpha, bounds };
}
