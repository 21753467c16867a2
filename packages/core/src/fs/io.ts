import * as fs from 'node:fs';
import { promisify } from 'node:util';

/*
 * Which calls are synchronous. A call that does not wait for the disk (open, stat, rename, link, unlink,
 * mkdir, a read or write of up to SYNC_IO_BYTES through the page cache) takes a few microseconds, less
 * than one hand-off to libuv's thread pool and back (a futex wake, an epoll wait and an eventfd write
 * and read each way). A small save or load is a dozen such calls, so they are made synchronously.
 * What waits for the device (fsync) or moves many bytes goes to the thread pool, so the event loop is
 * never blocked for longer than a small copy.
 */

/** Reads and writes up to this many bytes are made synchronously (see above). */
export const SYNC_IO_BYTES = 64 * 1024;

function createIo() {
  return {
    openSync: fs.openSync,
    closeSync: fs.closeSync,
    fstatSync: fs.fstatSync,
    lstatSync: fs.lstatSync,
    statSync: fs.statSync,
    readSync: fs.readSync,
    writevSync: fs.writevSync,
    ftruncateSync: fs.ftruncateSync,
    fchmodSync: fs.fchmodSync,
    chmodSync: fs.chmodSync,
    renameSync: fs.renameSync,
    linkSync: fs.linkSync,
    symlinkSync: fs.symlinkSync,
    readlinkSync: fs.readlinkSync,
    unlinkSync: fs.unlinkSync,
    mkdirSync: fs.mkdirSync,
    rmdirSync: fs.rmdirSync,
    readdirSync: fs.readdirSync,
    realpathSync: fs.realpathSync,
    // The synchronous faces' counterparts of the thread-pool calls below.
    fsyncSync: fs.fsyncSync,
    fdatasyncSync: fs.fdatasyncSync,
    rmSync: fs.rmSync,
    read: promisify(fs.read),
    writev: promisify(fs.writev),
    fsync: promisify(fs.fsync),
    fdatasync: promisify(fs.fdatasync),
    close: promisify(fs.close),
    readdir: fs.promises.readdir,
    mkdir: fs.promises.mkdir,
    lstat: fs.promises.lstat,
    rm: fs.promises.rm,
    watch: fs.watch,
  };
}

/** The filesystem calls of the toolkit, as a table a fault-injecting test can wrap. */
export type FilesystemCalls = ReturnType<typeof createIo>;

// Kept on a global symbol: the toolkit and the testing entry may be bundled as separate copies (CommonJS
// builds are not split into shared chunks), and a test must reach the table the toolkit calls.
const KEY = Symbol.for('@omega/core/fs/io');
const holder = globalThis as { [KEY]?: FilesystemCalls };

/**
 * Every filesystem call of the toolkit (atomic writes, framed documents, the lock, the store
 * backend) goes through this table, so that a test can make the n-th call fail and check that nothing
 * is torn or leaked (`injectFaults` in `@omega/core/testing`). Production code never replaces entries.
 */
export const io: FilesystemCalls = holder[KEY] ?? createIo();
holder[KEY] = io;
