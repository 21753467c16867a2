import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { CorruptDataError, InvalidArgumentError } from './errors.js';

// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and tlog checkpoints (c2sp.org/tlog-checkpoint),
// byte-compatible with Go's golang.org/x/mod/sumdb/note: its keys, signatures and parsing rules.

/** What {@link formatCheckpoint} takes: a {@link Checkpoint} whose extension lines may be left out. */
export type CheckpointInput = Omit<Checkpoint, 'extensions'> & { extensions?: readonly string[] };

/** Signs note texts with one key. */
export interface NoteSigner {
  /** Key name, as written in signature lines. */
  keyName: string;
  /** The uint32 key ID: the first 4 bytes of the key hash, big-endian. */
  keyId: number;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Checks signatures of one key. */
export interface NoteVerifier {
  keyName: string;
  keyId: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** A key named by a signature line. */
export interface NoteKeyRef {
  keyName: string;
  keyId: number;
}

/** An opened note: its text, and the keys whose signatures it carries. */
export interface OpenedNote {
  /** The signed text, final newline included. */
  text: string;
  /** Keys among the verifiers whose signature verified. */
  verified: NoteKeyRef[];
  /** Keys not among the verifiers, left unchecked. */
  unverified: NoteKeyRef[];
}

/** The body of a tlog checkpoint. */
export interface Checkpoint {
  /** The log's identity, the first line. */
  origin: string;
  /** Number of leaves in the tree. */
  size: number;
  /** RFC 6962 root hash of the tree at `size`, as 64 lowercase hex characters. */
  rootHash: string;
  /** Opaque non-empty lines after the root hash. */
  extensions: string[];
}

const ALG_ED25519 = 0x01;
const PRIVATE_PREFIX = 'PRIVATE+KEY+';
// DER headers that turn a raw 32-byte Ed25519 seed or public key into PKCS#8 and SPKI (RFC 8410).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNATURE_PREFIX = '\u2014 ';
// Go's limit: bounds the work an opened note can ask for; the spec asks for at least 16.
const MAX_SIGNATURES = 100;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ID_HEX = /^[0-9a-fA-F]{8}$/;
const ROOT_HASH_HEX = /^[0-9a-f]{64}$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const UTF8 = new TextEncoder();

/** Generates an Ed25519 key pair for `name`, encoded as Go's `note.GenerateKey` does. Keep `signerKey` secret. */
export function generateNoteKey(name: string): { signerKey: string; verifierKey: string } {
  checkKeyName(name, 'name');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519.length);
  const raw = rawPublicKey(publicKey);
  const id = hex8(keyIdOf(name, raw));
  return {
    signerKey: `${PRIVATE_PREFIX}${name}+${id}+${base64(Buffer.concat([Buffer.of(ALG_ED25519), seed]))}`,
    verifierKey: verifierKeyText(name, Number.parseInt(id, 16), raw),
  };
}

/** Parses a signer key `PRIVATE+KEY+<name>+<id hex>+<base64(0x01 || seed)>`. */
export function signerFromKey(signerKey: string): NoteSigner {
  if (!signerKey.startsWith(PRIVATE_PREFIX)) {
    throw badKey('signerKey', 'does not start with PRIVATE+KEY+');
  }
  const { name, keyId, material } = parseKey(signerKey.slice(PRIVATE_PREFIX.length), 'signerKey');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, material]),
    format: 'der',
    type: 'pkcs8',
  });
  // The key ID hashes the public key, which the signer key only implies.
  if (keyIdOf(name, rawPublicKey(createPublicKey(privateKey))) !== keyId) {
    throw badKey('signerKey', 'key ID does not match the key');
  }
  return ed25519Signer(name, keyId, privateKey);
}

/** The verifier key that checks the signatures of signer key `signerKey`. */
export function verifierKeyOfSigner(signerKey: string): string {
  const signer = signerFromKey(signerKey);
  const { name, material } = parseKey(signerKey.slice(PRIVATE_PREFIX.length), 'signerKey');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, material]),
    format: 'der',
    type: 'pkcs8',
  });
  return verifierKeyText(name, signer.keyId, rawPublicKey(createPublicKey(privateKey)));
}

/** The verifier key of the signer {@link signerFromPrivateKey} makes of `name` and `key`. */
export function verifierKeyOfPrivateKey(name: string, key: KeyObject): string {
  const signer = signerFromPrivateKey(name, key);
  return verifierKeyText(name, signer.keyId, rawPublicKey(createPublicKey(key)));
}

function verifierKeyText(name: string, keyId: number, publicKey: Uint8Array): string {
  return `${name}+${hex8(keyId)}+${base64(Buffer.concat([Buffer.of(ALG_ED25519), publicKey]))}`;
}

/** Parses a verifier key `<name>+<id hex>+<base64(0x01 || public key)>`. */
export function verifierFromKey(verifierKey: string): NoteVerifier {
  const { name, keyId, material } = parseKey(verifierKey, 'verifierKey');
  if (keyIdOf(name, material) !== keyId) throw badKey('verifierKey', 'key ID does not match the key');
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_ED25519, material]),
    format: 'der',
    type: 'spki',
  });
  return {
    keyName: name,
    keyId,
    verify: (message, signature) => cryptoVerify(null, message, publicKey, signature),
  };
}

/** A signer named `name` over a caller's Ed25519 private key. */
export function signerFromPrivateKey(name: string, key: KeyObject): NoteSigner {
  checkKeyName(name, 'name');
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw new InvalidArgumentError('note keys are Ed25519 private keys', {
      details: {
        argument: 'key',
        reason: `not an Ed25519 private key (${key.type} ${key.asymmetricKeyType})`,
      },
    });
  }
  return ed25519Signer(name, keyIdOf(name, rawPublicKey(createPublicKey(key))), key);
}

/**
 * Signs `text` (which must end in a newline) with each signer, returning the signed note: the text, a blank line,
 * then one signature line per signer, in order.
 */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  const fault = text.endsWith('\n') ? textFault(text) : 'does not end with a newline';
  if (fault !== undefined) {
    throw new InvalidArgumentError(`note text ${fault}`, { details: { argument: 'text', reason: fault } });
  }
  if (signers.length === 0 || signers.length > MAX_SIGNATURES) {
    throw new InvalidArgumentError(`a note needs 1 to ${MAX_SIGNATURES} signers`, {
      details: { argument: 'signers', reason: `${signers.length} signers` },
    });
  }
  const message = UTF8.encode(text);
  let lines = '';
  for (const signer of signers) {
    if (!isValidName(signer.keyName) || !isUint32(signer.keyId)) {
      throw new InvalidArgumentError('a signer has an invalid key name or key ID', {
        details: { argument: 'signers', reason: 'invalid key name or key ID', keyName: signer.keyName },
      });
    }
    const signature = await signer.sign(message);
    const id = Buffer.alloc(4);
    id.writeUInt32BE(signer.keyId);
    lines += `${SIGNATURE_PREFIX}${signer.keyName} ${base64(Buffer.concat([id, signature]))}\n`;
  }
  return `${text}\n${lines}`;
}

/**
 * Opens a signed note, checking the signatures of `verifiers` (matched by key name and key ID) and ignoring
 * those of other keys.
 *
 * @throws CorruptDataError when the note is malformed, when a signature by a known key does not verify, or
 * when no known key signed it (the text must then not be trusted).
 * @throws InvalidArgumentError when two verifiers share the name and ID of a signature.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const fault = textFault(note);
  if (fault !== undefined) throw malformed(fault);
  // The text may hold blank lines itself; signature lines never do, so the last one separates them.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('signature lines must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);

  const message = UTF8.encode(text);
  const verified: NoteKeyRef[] = [];
  const unverified: NoteKeyRef[] = [];
  const seenVerified = new Set<string>();
  const seenUnverified = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line does not start with "— "');
    const entry = line.slice(SIGNATURE_PREFIX.length);
    const space = entry.indexOf(' ');
    const keyName = space < 0 ? entry : entry.slice(0, space);
    const bytes = space < 0 ? undefined : decodeBase64(entry.slice(space + 1));
    if (!isValidName(keyName) || bytes === undefined || bytes.length < 5) {
      throw malformed('a signature line has an invalid key name or signature');
    }
    const keyId = bytes.readUInt32BE(0);
    const matches = verifiers.filter((v) => v.keyName === keyName && v.keyId === keyId);
    if (matches.length === 0) {
      // Go drops repeats of the same line only: distinct unknown signatures by one key are all reported.
      if (!seenUnverified.has(entry)) {
        seenUnverified.add(entry);
        unverified.push({ keyName, keyId });
      }
      continue;
    }
    if (matches.length > 1) {
      throw new InvalidArgumentError(`several verifiers for key ${keyName}+${hex8(keyId)}`, {
        details: { argument: 'verifiers', reason: 'ambiguous key', keyName, keyId },
      });
    }
    // As Go does, a key's first signature decides: repeats by a verified key are not checked again.
    const ref = `${keyName}+${keyId}`;
    if (seenVerified.has(ref)) continue;
    seenVerified.add(ref);
    if (!matches[0]!.verify(message, bytes.subarray(4))) {
      throw new CorruptDataError(`invalid signature for key ${keyName}+${hex8(keyId)}`, {
        details: { reason: 'invalid signature', keyName, keyId },
      });
    }
    verified.push({ keyName, keyId });
  }
  if (verified.length === 0) {
    throw new CorruptDataError('note has no verifiable signatures', {
      details: { reason: 'unverified: no signature by a known key', unverified },
    });
  }
  return { text, verified, unverified };
}

/** The note text of a checkpoint: origin, size, base64 root hash, then any extension lines. */
export function formatCheckpoint(checkpoint: CheckpointInput): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (origin === '' || origin.includes('\n')) throw badCheckpoint('origin', 'must be one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0)
    throw badCheckpoint('size', 'must be a non-negative safe integer');
  if (!ROOT_HASH_HEX.test(rootHash)) throw badCheckpoint('rootHash', 'must be 64 lowercase hex characters');
  if (extensions.some((line) => line === '' || line.includes('\n'))) {
    throw badCheckpoint('extensions', 'each must be one non-empty line');
  }
  return [origin, String(size), base64(Buffer.from(rootHash, 'hex')), ...extensions]
    .map((l) => `${l}\n`)
    .join('');
}

/**
 * Parses checkpoint note text strictly.
 *
 * @throws CorruptDataError whose `details.field` names the faulty field.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw corruptCheckpoint('text', 'does not end with a newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || origin === '') throw corruptCheckpoint('origin', 'empty');
  if (size === undefined) throw corruptCheckpoint('size', 'missing');
  if (!DECIMAL.test(size) || !Number.isSafeInteger(Number(size))) {
    throw corruptCheckpoint('size', 'not a decimal safe integer without leading zeros');
  }
  if (root === undefined) throw corruptCheckpoint('rootHash', 'missing');
  const rootBytes = decodeBase64(root);
  if (rootBytes === undefined || rootBytes.length !== 32) {
    throw corruptCheckpoint('rootHash', 'not the canonical base64 of 32 bytes');
  }
  if (extensions.includes('')) throw corruptCheckpoint('extensions', 'an extension line is empty');
  return { origin, size: Number(size), rootHash: rootBytes.toString('hex'), extensions };
}

/** Signs a checkpoint with `signer`, returning the signed note. */
export function signCheckpoint(checkpoint: CheckpointInput, signer: NoteSigner): Promise<string> {
  return signNote(formatCheckpoint(checkpoint), [signer]);
}

/**
 * Opens a checkpoint note signed by `verifier`'s key, then parses its text.
 *
 * @throws CorruptDataError when the note is malformed or not verified by that key, or the checkpoint is malformed.
 */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint {
  return parseCheckpoint(openNote(note, [verifier]).text);
}

function ed25519Signer(keyName: string, keyId: number, privateKey: KeyObject): NoteSigner {
  return { keyName, keyId, sign: (message) => cryptoSign(null, message, privateKey) };
}

// Go's rule for names in signature lines; signatures from other implementations must parse.
function isValidName(name: string): boolean {
  return name !== '' && !name.includes('+') && !/[\p{White_Space}\p{Cs}]/u.test(name);
}

// Names of keys made here must also be printable, so they read the same wherever they are shown.
function checkKeyName(name: string, argument: string): void {
  if (!isValidName(name) || /\p{Cc}/u.test(name)) {
    throw new InvalidArgumentError(`invalid key name ${JSON.stringify(name)}`, {
      details: { argument, reason: 'key names are non-empty and printable, without spaces or "+"' },
    });
  }
}

// `rest` is `<name>+<id hex>+<base64>`; the base64 part may itself hold '+'.
function parseKey(rest: string, argument: string): { name: string; keyId: number; material: Buffer } {
  const first = rest.indexOf('+');
  const second = first < 0 ? -1 : rest.indexOf('+', first + 1);
  if (second < 0) throw badKey(argument, 'not <name>+<key ID>+<key>');
  const name = rest.slice(0, first);
  checkKeyName(name, argument);
  const idHex = rest.slice(first + 1, second);
  if (!KEY_ID_HEX.test(idHex)) throw badKey(argument, 'key ID is not 8 hex digits');
  const bytes = decodeBase64(rest.slice(second + 1));
  if (bytes === undefined || bytes.length === 0)
    throw badKey(argument, 'key is not canonical non-empty base64');
  if (bytes[0] !== ALG_ED25519) throw badKey(argument, 'unknown key algorithm');
  if (bytes.length !== 33) throw badKey(argument, 'Ed25519 key is not 32 bytes');
  return { name, keyId: Number.parseInt(idHex, 16), material: bytes.subarray(1) };
}

function keyIdOf(name: string, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(name)
    .update('\n')
    .update(Buffer.of(ALG_ED25519))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
}

// A note must be valid UTF-8 (no lone surrogates once a string) without control characters but newline.
function textFault(text: string): string | undefined {
  if (/\p{Cs}/u.test(text)) return 'is not well-formed Unicode';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return 'contains a control character';
  }
  return undefined;
}

// Buffer's decoder skips stray characters and ignores padding bits; requiring the canonical form keeps one
// byte string per text, which also makes Go's line-based deduplication of signatures sound.
function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

// Key strings are secrets (signer keys), so details carry the reason, never the key.
function badKey(argument: string, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(`malformed ${argument}: ${reason}`, { details: { argument, reason } });
}

function malformed(reason: string): CorruptDataError {
  return new CorruptDataError(`malformed note: ${reason}`, { details: { reason } });
}

function badCheckpoint(argument: string, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(`checkpoint ${argument} ${reason}`, { details: { argument, reason } });
}

function corruptCheckpoint(field: string, reason: string): CorruptDataError {
  return new CorruptDataError(`malformed checkpoint ${field}: ${reason}`, { details: { field, reason } });
}
