// ASCII armor (crypto/age/armor.ts): canonical output, streaming in any slicing, strict input.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ARMOR_BEGIN, ARMOR_END, armorDecode, armorEncode, createArmorDecoder, createArmorEncoder } from '../../crypto/age/armor.ts';
import { bytesToStream, collectBytes } from '../../crypto/age/io.ts';
import { isCryptoError } from '../../crypto/errors.ts';

const randomBytes = (length: number): Uint8Array => new Uint8Array(nodeRandomBytes(length));

const armorInvalid = (run: () => unknown): boolean => {
  try {
    run();
    return false;
  } catch (error) {
    return isCryptoError(error, 'ARMOR_INVALID');
  }
};

describe('age armor', () => {
  it('writes 64-column lines, a short last line, LF endings, and nothing for an empty file', () => {
    expect(armorEncode(new Uint8Array(0))).toBe(`${ARMOR_BEGIN}\n${ARMOR_END}\n`);
    const lines = armorEncode(new Uint8Array(100)).split('\n');
    expect(lines.map((line) => line.length)).toEqual([34, 64, 64, 8, 32, 0]);
    expect(armorEncode(new Uint8Array(96)).split('\n').map((line) => line.length)).toEqual([34, 64, 64, 32, 0]);
  });

  it('streams both ways with arbitrary slicing and matches the one-shot functions', async () => {
    for (const size of [0, 1, 47, 48, 49, 1000, 70_000]) {
      const bytes = randomBytes(size);
      const text = armorEncode(bytes);
      const streamed = await collectBytes(bytesToStream(bytes, 7).pipeThrough(createArmorEncoder()));
      expect(new TextDecoder().decode(streamed)).toBe(text);
      for (const input of [text, text.replace(/\n/g, '\r\n')]) {
        for (const chunk of [5, 65, 66, 1000, 65_536]) {
          const decoded = await collectBytes(bytesToStream(new TextEncoder().encode(input), chunk).pipeThrough(createArmorDecoder()));
          expect(decoded).toEqual(bytes);
        }
      }
      expect(armorDecode(text)).toEqual(bytes);
    }
  });

  it('accepts CRLF, a missing final line break and whitespace around the block', () => {
    const bytes = randomBytes(100);
    const text = armorEncode(bytes);
    expect(armorDecode(text.replace(/\n/g, '\r\n'))).toEqual(bytes);
    expect(armorDecode(text.slice(0, -1))).toEqual(bytes);
    expect(armorDecode(`\n \t\r\n${text}\n\n  `)).toEqual(bytes);
  });

  it('ATK-35 rejects everything else (ARMOR_INVALID)', () => {
    const text = armorEncode(randomBytes(100));
    const lines = text.split('\n');
    const bad = [
      '',
      ' \n',
      text.replace(ARMOR_BEGIN, ARMOR_BEGIN.toLowerCase()),
      `x${text}`,
      `${text}x`,
      `${' '.repeat(1025)}\n${text}`,
      `${text}${' '.repeat(1024)}`,
      text.replace(`${ARMOR_END}\n`, ''),
      [lines[0], 'Version: 1', ...lines.slice(1)].join('\n'),
      [lines[0], lines[1], '', ...lines.slice(2)].join('\n'),
      [lines[0], ` ${lines[1]!}`, ...lines.slice(2)].join('\n'),
      [lines[0], `${lines[1]!}AAAA`, ...lines.slice(2)].join('\n'),
      [lines[0], lines[1]!.slice(0, 60), lines[1]!.slice(60), ...lines.slice(2)].join('\n'),
      text.replace('\n', '\r\r\n'),
    ];
    for (const input of bad) expect(armorInvalid(() => armorDecode(input)), JSON.stringify(input.slice(0, 80))).toBe(true);
  });
});
