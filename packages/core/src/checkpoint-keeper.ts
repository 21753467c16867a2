import {
  checkpointDisagreement,
  type KeyedSigner,
  keyedSigner,
  type SignerOption,
} from './checkpoint-signer.js';
import type { DocumentBackend } from './documents.js';
import { isOmegaError } from './errors.js';
import { type Checkpoint, generateNoteKey, openCheckpoint, signCheckpoint, verifierFromKey } from './note.js';
import { decode } from './serde.js';

// The documents a keeper holds: the last checkpoint signed (its header the size it commits to), and the
// store's own signer key when no signer is given.
const LAST_CHECKPOINT = 'checkpoint';
const SIGNER = 'signer';

/**
 * The signed checkpoints of one Merkle log of a store (receipts, the security audit): who signs them (the
 * `signer` option, else a key the store makes once by an exclusive create and keeps in `documents`; such a
 * key is as safe as the store, against accidents only), and the last checkpoint signed, kept in
 * `documents` so that a later one can be checked against it. Checkpoints of another key or origin do not
 * open.
 */
export class CheckpointKeeper {
  #signer: Promise<KeyedSigner> | null = null;

  constructor(
    private readonly documents: DocumentBackend<{ size?: number }>,
    /** The checkpoints' origin line; keys made here are named after it. */
    readonly origin: string,
    private readonly signerOption: SignerOption | undefined,
    private readonly kind: string,
  ) {}

  /** The checkpoints' signer, made or read once (a failure is tried again at the next call). */
  signer(): Promise<KeyedSigner> {
    this.#signer ??= this.#loadSigner().catch((error: unknown) => {
      this.#signer = null;
      throw error;
    });
    return this.#signer;
  }

  /** The C2SP verifier key of the checkpoints. */
  async verifierKey(): Promise<string> {
    return (await this.signer()).verifierKey;
  }

  /** The checkpoint `note` opened with this log's verifier and origin, or why it cannot be. */
  async open(note: string): Promise<Checkpoint | string> {
    const signer = await this.signer();
    let checkpoint: Checkpoint;
    try {
      checkpoint = openCheckpoint(note, verifierFromKey(signer.verifierKey));
    } catch (error) {
      if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
      return `the checkpoint does not verify: ${error.message}`;
    }
    if (checkpoint.origin !== this.origin) return `the checkpoint is of origin ${checkpoint.origin}`;
    return checkpoint;
  }

  /** The last checkpoint signed for this log, opened (or why it does not open); null when none was. */
  async last(): Promise<Checkpoint | string | null> {
    const document = await this.documents.read(LAST_CHECKPOINT);
    return document && this.open(decode(document.body) as string);
  }

  /**
   * The checkpoints a log must extend to verify: `against` (kept elsewhere by the caller) and the last one
   * signed here, opened; or why one of them does not open.
   */
  async toVerify(against: string | undefined): Promise<Checkpoint[] | string> {
    const checkpoints: Checkpoint[] = [];
    for (const opened of [against === undefined ? null : await this.open(against), await this.last()]) {
      if (opened === null) continue;
      if (typeof opened === 'string') return opened;
      checkpoints.push(opened);
    }
    return checkpoints;
  }

  /**
   * Why a log of `size` leaves does not extend the last checkpoint signed here (`rootAt(n)` gives the
   * log's root at `n` leaves, n <= size), or null when it does or none was signed; `entries` names them.
   */
  async lastDisagreement(
    size: number,
    rootAt: (size: number) => Promise<string | undefined>,
    entries: string,
  ): Promise<string | null> {
    const last = await this.last();
    if (last === null) return null;
    if (typeof last === 'string') return last;
    return checkpointDisagreement(
      last,
      size,
      last.size <= size ? await rootAt(last.size) : undefined,
      entries,
    );
  }

  /** Signs the checkpoint of a tree of `size` leaves with root `rootHash`; kept as the last when larger. */
  async sign(size: number, rootHash: string): Promise<string> {
    const note = await signCheckpoint({ origin: this.origin, size, rootHash }, await this.signer());
    const lastSize = (await this.documents.readHeader(LAST_CHECKPOINT))?.header.size ?? -1;
    if (size > lastSize) await this.documents.write(LAST_CHECKPOINT, { size }, JSON.stringify(note));
    return note;
  }

  async #loadSigner(): Promise<KeyedSigner> {
    const keyName = this.origin.replace(/[+\s]/g, '-');
    if (this.signerOption !== undefined) return keyedSigner(this.signerOption, keyName, this.kind);
    for (;;) {
      const stored = await this.documents.read(SIGNER);
      if (stored !== null) return keyedSigner(decode(stored.body) as string, keyName, this.kind);
      try {
        await this.documents.create(SIGNER, {}, JSON.stringify(generateNoteKey(keyName).signerKey));
      } catch (error) {
        // Another process made the key first: use its.
        if (!isOmegaError(error, 'ALREADY_EXISTS')) throw error;
      }
    }
  }
}
