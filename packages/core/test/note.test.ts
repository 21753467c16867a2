import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  generateNoteKey,
  isOmegaError,
  type NoteSigner,
  type NoteVerifier,
  type OmegaError,
  type OmegaErrorCode,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  signCheckpoint,
  signerFromKey,
  signerFromPrivateKey,
  signNote,
  verifierFromKey,
} from '../src/index.js';
import { rejectionOf } from '../src/testing.js';

// Vectors of golang.org/x/mod/sumdb/note (note_test.go).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const PETER = { keyName: 'PeterNeumann', keyId: 0xc74f20a3 };
const ENOCH = { keyName: 'EnochRoot', keyId: 0xaf0cfe78 };

const ROOT = 'a'.repeat(64);
const ROOT_BASE64 = Buffer.from(ROOT, 'hex').toString('base64');

/** The error `run` throws, which must be an OmegaError of `code`. */
function errorOf(run: () => unknown, code: OmegaErrorCode): OmegaError {
  try {
    run();
  } catch (error) {
    if (isOmegaError(error, code)) return error;
    throw new Error(`threw something other than ${code}`, { cause: error });
  }
  throw new Error(`did not throw ${code}`);
}

/** A verifier key for `name` over raw key bytes (algorithm byte included), with its key ID computed. */
function vkeyOf(name: string, key: Buffer): string {
  const id = createHash('sha256').update(`${name}\n`).update(key).digest().subarray(0, 4).toString('hex');
  return `${name}+${id}+${key.toString('base64')}`;
}

/** The base64 key data of an encoded key: what follows its `parts`-th '+' (the data may hold '+' itself). */
function keyData(key: string, parts: number): Buffer {
  return Buffer.from(key.split('+').slice(parts).join('+'), 'base64');
}

/** `text` with the character at `index` replaced by another base64 character. */
function mangle(text: string, index: number): string {
  return text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

function checkPair(signer: NoteSigner, verifier: NoteVerifier) {
  expect(verifier.keyName).toBe(signer.keyName);
  expect(verifier.keyId).toBe(signer.keyId);
  const message = Buffer.from('hi');
  const signature = Buffer.from(signer.sign(message) as Uint8Array);
  expect(verifier.verify(message, signature)).toBe(true);
  signature[0]! ^= 1;
  expect(verifier.verify(message, signature)).toBe(false);
  signature[0]! ^= 1;
  message[0]! ^= 1;
  expect(verifier.verify(message, signature)).toBe(false);
}

describe('Go sumdb/note vectors', () => {
  it('parses the known signer and verifier keys, which agree', () => {
    const signer = signerFromKey(PETER_SKEY);
    const verifier = verifierFromKey(PETER_VKEY);
    expect({ keyName: signer.keyName, keyId: signer.keyId }).toEqual(PETER);
    checkPair(signer, verifier);
    const enoch = verifierFromKey(ENOCH_VKEY);
    expect({ keyName: enoch.keyName, keyId: enoch.keyId }).toEqual(ENOCH);
  });

  it('refuses every proper substring and every one-character change of the keys (TestNewVerifier, TestNewSigner)', () => {
    for (const [key, parse] of [
      [PETER_VKEY, verifierFromKey],
      [PETER_SKEY, signerFromKey],
    ] as const) {
      for (let i = 0; i <= key.length; i++) {
        for (let j = i + 1; j <= key.length; j++) {
          if (i !== 0 || j !== key.length) errorOf(() => parse(key.slice(i, j)), 'INVALID_ARGUMENT');
        }
      }
      for (let i = 0; i < key.length; i++) {
        const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        errorOf(() => parse(changed), 'INVALID_ARGUMENT');
      }
    }
  });

  it("refuses Go's wrong-length and unknown-algorithm keys, and those with a matching key ID", () => {
    errorOf(
      () => verifierFromKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
      'INVALID_ARGUMENT',
    );
    errorOf(
      () => verifierFromKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
      'INVALID_ARGUMENT',
    );
    const key = keyData(PETER_VKEY, 2);
    expect(verifierFromKey(vkeyOf('PeterNeumann', key)).keyId).toBe(PETER.keyId);
    const cases = [
      Buffer.concat([key, Buffer.of(0)]),
      key.subarray(0, 32),
      Buffer.concat([Buffer.of(2), key.subarray(1)]),
    ];
    for (const bad of cases) {
      const error = errorOf(() => verifierFromKey(vkeyOf('PeterNeumann', bad)), 'INVALID_ARGUMENT');
      expect(error.details.argument).toBe('verifierKey');
    }
  });

  it("signs the text exactly as Go's TestSign expects", async () => {
    expect(await signNote(TEXT, [signerFromKey(PETER_SKEY)])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it("signs as Go does with the caller's KeyObject of the same seed", async () => {
    const seed = keyData(PETER_SKEY, 4).subarray(1);
    const key = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const signer = signerFromPrivateKey('PeterNeumann', key);
    expect({ keyName: signer.keyName, keyId: signer.keyId }).toEqual(PETER);
    checkPair(signer, verifierFromKey(PETER_VKEY));
    expect(await signNote(TEXT, [signer])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('refuses to sign a text without final newline, or with a signer named with a space', async () => {
    const signer = signerFromKey(PETER_SKEY);
    const short = await rejectionOf(signNote('abc', [signer]), 'INVALID_ARGUMENT');
    expect(short.details.argument).toBe('text');
    const badName = await rejectionOf(
      signNote(TEXT, [{ ...signer, keyName: 'bad name' }]),
      'INVALID_ARGUMENT',
    );
    expect(badName.details.argument).toBe('signers');
  });

  it("passes a failing signer's error on", async () => {
    const surprise = new Error('surprise!');
    const failing: NoteSigner = {
      ...PETER,
      sign: () => {
        throw surprise;
      },
    };
    await expect(signNote(TEXT, [failing])).rejects.toBe(surprise);
  });

  describe('openNote (TestOpen)', () => {
    const peter = verifierFromKey(PETER_VKEY);
    const enoch = verifierFromKey(ENOCH_VKEY);
    const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;

    it('verifies the known key and lists the other as unverified', () => {
      expect(openNote(both, [peter])).toEqual({ text: TEXT, verified: [PETER], unverified: [ENOCH] });
    });

    it('verifies both keys when both are known', () => {
      expect(openNote(both, [peter, enoch])).toEqual({
        text: TEXT,
        verified: [PETER, ENOCH],
        unverified: [],
      });
    });

    it('refuses a note no known key signed', () => {
      const error = errorOf(() => openNote(both, []), 'CORRUPT_DATA');
      expect(error.details.unverified).toEqual([PETER, ENOCH]);
    });

    it('refuses ambiguous verifiers only for a signature they both match', () => {
      const error = errorOf(
        () => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch]),
        'INVALID_ARGUMENT',
      );
      expect(error.details.argument).toBe('verifiers');
      expect(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).verified).toEqual([PETER]);
    });

    it('refuses more than 100 signatures', () => {
      const many = `${TEXT}\n${PETER_SIG.repeat(101)}`;
      errorOf(() => openNote(many, [peter]), 'CORRUPT_DATA');
      errorOf(() => openNote(many, []), 'CORRUPT_DATA');
      expect(openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [peter]).verified).toEqual([PETER]);
    });

    it('refuses a signature by a known key that does not verify', () => {
      const bad = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
      const error = errorOf(() => openNote(`${TEXT}\n${bad}`, [peter]), 'CORRUPT_DATA');
      expect(error.details).toMatchObject(PETER);
    });

    it('drops repeated signatures, keeping distinct unverified ones', () => {
      const enochAbcd = `${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
      const note = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochAbcd}`;
      expect(openNote(note, [peter])).toEqual({ text: TEXT, verified: [PETER], unverified: [ENOCH, ENOCH] });
    });

    it('refuses malformed notes', () => {
      const bad = [
        TEXT,
        `${TEXT}\n`,
        `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
        `\x01${TEXT}\n${PETER_SIG}`,
        // Go's invalid UTF-8 byte: a lone surrogate is what a string can hold of it.
        `\ud800${TEXT}\n${PETER_SIG}`,
        `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
        `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      ];
      for (const note of bad) errorOf(() => openNote(note, [peter]), 'CORRUPT_DATA');
    });

    it('ignores signatures whose name or key ID differ from the known key', () => {
      for (const sig of [
        PETER_SIG.replaceAll('PeterNeumann', 'CarmenSandiego'),
        PETER_SIG.replaceAll('x08g', 'xxxx'),
      ]) {
        const error = errorOf(() => openNote(`${TEXT}\n${sig}`, [peter]), 'CORRUPT_DATA');
        expect(error.details.unverified).toHaveLength(1);
      }
    });
  });
});

describe('C2SP examples', () => {
  it('verifies the signed-note example', () => {
    const verifier = verifierFromKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    const note =
      'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    expect(openNote(note, [verifier])).toEqual({
      text: 'This is an example message.\n',
      verified: [{ keyName: 'example.com/foo', keyId: 0x530d903a }],
      unverified: [],
    });
  });

  it('parses the tlog-checkpoint example, which an unrelated key does not verify', () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64').toString('hex'),
      extensions: [],
    });
    expect(formatCheckpoint(checkpoint)).toBe(text);
    const note = `${text}\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n`;
    const error = errorOf(() => openCheckpoint(note, verifierFromKey(PETER_VKEY)), 'CORRUPT_DATA');
    expect(error.details.unverified).toEqual([{ keyName: 'example.com/behind-the-sofa', keyId: 0x033de0ae }]);
  });
});

describe('round trips', () => {
  const log = generateNoteKey('example.com/log');
  const witness = generateNoteKey('example.com/witness');
  const logSigner = signerFromKey(log.signerKey);
  const logVerifier = verifierFromKey(log.verifierKey);
  const checkpoint = { origin: 'example.com/log', size: 42, rootHash: ROOT, extensions: ['ext one'] };

  it('generates keys in the Go encodings', () => {
    expect(log.signerKey).toMatch(/^PRIVATE\+KEY\+example\.com\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(log.verifierKey).toMatch(/^example\.com\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(log.signerKey.split('+')[3]).toBe(log.verifierKey.split('+')[1]);
    expect(vkeyOf('example.com/log', keyData(log.verifierKey, 2))).toBe(log.verifierKey);
    checkPair(logSigner, logVerifier);
  });

  it('signs a checkpoint and opens it', async () => {
    const note = await signCheckpoint(checkpoint, logSigner);
    expect(note.startsWith(`example.com/log\n42\n${ROOT_BASE64}\next one\n\n— example.com/log `)).toBe(true);
    expect(openCheckpoint(note, logVerifier)).toEqual(checkpoint);
  });

  it('refuses a note with a changed byte of text, size, root or signature', async () => {
    const note = await signCheckpoint(checkpoint, logSigner);
    const sigStart = note.lastIndexOf(' ') + 1;
    const changed = [
      note.replace('example.com/log\n', 'example.com/loG\n'),
      note.replace('\n42\n', '\n43\n'),
      mangle(note, note.indexOf(ROOT_BASE64) + 10),
      note.replace('ext one', 'ext two'),
      mangle(note, sigStart + 40),
      mangle(note, sigStart + 2),
    ];
    for (const bad of changed) {
      expect(bad).not.toBe(note);
      errorOf(() => openCheckpoint(bad, logVerifier), 'CORRUPT_DATA');
    }
  });

  it('refuses a note signed by an unknown key only', async () => {
    const note = await signCheckpoint(checkpoint, signerFromKey(witness.signerKey));
    const error = errorOf(() => openCheckpoint(note, logVerifier), 'CORRUPT_DATA');
    const { keyId } = verifierFromKey(witness.verifierKey);
    expect(error.details.unverified).toEqual([{ keyName: 'example.com/witness', keyId }]);
  });

  it('opens a note signed by two keys, one known', async () => {
    const witnessSigner = signerFromKey(witness.signerKey);
    const note = await signNote(formatCheckpoint(checkpoint), [logSigner, witnessSigner]);
    const opened = openNote(note, [logVerifier]);
    expect(opened.verified).toEqual([{ keyName: logSigner.keyName, keyId: logSigner.keyId }]);
    expect(opened.unverified).toEqual([{ keyName: witnessSigner.keyName, keyId: witnessSigner.keyId }]);
    expect(openCheckpoint(note, verifierFromKey(witness.verifierKey))).toEqual(checkpoint);
  });

  it('keeps blank lines and non-ASCII text inside the note text', async () => {
    const text = 'Ognuno sta solo sul cuor della terra\n\ned è subito sera.\n\n';
    const note = await signNote(text, [logSigner]);
    expect(openNote(note, [logVerifier]).text).toBe(text);
  });

  it('refuses to sign without signers or with a control character or lone surrogate in the text', async () => {
    await rejectionOf(signNote('a\n', []), 'INVALID_ARGUMENT');
    await rejectionOf(signNote('a\tb\n', [logSigner]), 'INVALID_ARGUMENT');
    await rejectionOf(signNote('a\ud800\n', [logSigner]), 'INVALID_ARGUMENT');
  });

  it('refuses invalid key names', () => {
    for (const name of ['', 'a+b', 'a b', 'a\u00a0b', 'a\u3000b', 'a\nb', 'a\u0007b', 'a\u007fb', '\ud800']) {
      expect(errorOf(() => generateNoteKey(name), 'INVALID_ARGUMENT').details.argument).toBe('name');
      const { privateKey } = generateKeyPairSync('ed25519');
      errorOf(() => signerFromPrivateKey(name, privateKey), 'INVALID_ARGUMENT');
    }
  });

  it('refuses a KeyObject that is not an Ed25519 private key', () => {
    const ed = generateKeyPairSync('ed25519');
    const x = generateKeyPairSync('x25519');
    for (const key of [ed.publicKey, x.privateKey]) {
      expect(errorOf(() => signerFromPrivateKey('n', key), 'INVALID_ARGUMENT').details.argument).toBe('key');
    }
  });
});

describe('checkpoints', () => {
  it('parses sizes 0 and the largest safe integer', () => {
    expect(parseCheckpoint(`o\n0\n${ROOT_BASE64}\n`).size).toBe(0);
    expect(parseCheckpoint(`o\n9007199254740991\n${ROOT_BASE64}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses each malformed field, naming it', () => {
    const short = Buffer.alloc(31, 0xaa).toString('base64');
    const noncanonical = `${ROOT_BASE64.slice(0, 42)}r=`;
    expect(Buffer.from(noncanonical, 'base64').toString('hex')).toBe(ROOT);
    const cases: Array<[string, string]> = [
      ['', 'text'],
      [`o\n1\n${ROOT_BASE64}`, 'text'],
      [`\n1\n${ROOT_BASE64}\n`, 'origin'],
      ['o\n', 'size'],
      ['o\n1\n', 'rootHash'],
      [`o\n01\n${ROOT_BASE64}\n`, 'size'],
      [`o\n-1\n${ROOT_BASE64}\n`, 'size'],
      [`o\n+1\n${ROOT_BASE64}\n`, 'size'],
      [`o\n1.0\n${ROOT_BASE64}\n`, 'size'],
      [`o\n 1\n${ROOT_BASE64}\n`, 'size'],
      [`o\n\n${ROOT_BASE64}\n`, 'size'],
      [`o\n9007199254740992\n${ROOT_BASE64}\n`, 'size'],
      [`o\n1\n${short}\n`, 'rootHash'],
      [`o\n1\n${noncanonical}\n`, 'rootHash'],
      [`o\n1\n${ROOT_BASE64.slice(0, -1)}\n`, 'rootHash'],
      [`o\n1\n${Buffer.from(ROOT, 'hex').toString('base64url')}\n`, 'rootHash'],
      [`o\n1\n${ROOT_BASE64}\n\n`, 'extensions'],
      [`o\n1\n${ROOT_BASE64}\next\n\nmore\n`, 'extensions'],
    ];
    for (const [text, field] of cases) {
      expect(errorOf(() => parseCheckpoint(text), 'CORRUPT_DATA').details.field).toBe(field);
    }
  });

  it('refuses to format invalid fields', () => {
    const good = { origin: 'o', size: 1, rootHash: ROOT };
    const cases: Array<[object, string]> = [
      [{ origin: '' }, 'origin'],
      [{ origin: 'a\nb' }, 'origin'],
      [{ size: -1 }, 'size'],
      [{ size: 1.5 }, 'size'],
      [{ size: 2 ** 53 }, 'size'],
      [{ rootHash: ROOT.toUpperCase() }, 'rootHash'],
      [{ rootHash: ROOT.slice(2) }, 'rootHash'],
      [{ extensions: [''] }, 'extensions'],
    ];
    for (const [change, argument] of cases) {
      const error = errorOf(() => formatCheckpoint({ ...good, ...change }), 'INVALID_ARGUMENT');
      expect(error.details.argument).toBe(argument);
    }
  });
});
