/**
 * The backend author's filesystem toolkit: durable atomic writes, framed documents, the cross-process
 * lock, root confinement, and the filesystem {@link DocumentBackend}. Only filesystem backends (and
 * families whose interface reads or writes a caller's file) import it.
 */
export * from './fs/atomic.js';
export * from './fs/blobs.js';
export * from './fs/blobs-sync.js';
export * from './fs/document-backend.js';
export * from './fs/document-sync.js';
export * from './fs/failures.js';
export * from './fs/framed.js';
export { type FilesystemCalls, io } from './fs/io.js';
export * from './fs/lock.js';
export * from './fs/log.js';
export * from './fs/log-sync.js';
export * from './fs/options.js';
export { holderState, type ProcessIdentity, thisProcess } from './fs/process.js';
export * from './fs/root.js';
export * from './fs/store.js';
