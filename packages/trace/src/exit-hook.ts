/** What the exit hook flushes: a sink with a synchronous flush. */
export interface ExitFlushable {
  flushSync(): void;
}

const registered = new Set<ExitFlushable>();

// One listener per event for every sink (a listener per sink would trip Node's MaxListeners warning), on
// only while some sink is registered. Like pino's on-exit-leak-free, the hook flushes on `exit` (which Node
// also emits after an uncaught exception or an unhandled rejection) and on `beforeExit` (the event loop
// ran dry). Unlike it, sinks are held strongly: a provider never closed keeps its buffered events until
// they are written at exit, instead of losing them to garbage collection.
function onExit(): void {
  for (const sink of registered) {
    try {
      sink.flushSync();
    } catch (error) {
      // Nothing can catch an error thrown from an exit listener, and warnings are not printed once exiting.
      process.stderr.write(`@omega/trace: the exit flush failed: ${String(error)}\n`);
    }
  }
}

/** Flushes `sink` synchronously on `process.exit`, at the end of the event loop and on a fatal error. */
export function flushOnExit(sink: ExitFlushable): void {
  if (registered.size === 0) {
    process.on('exit', onExit);
    process.on('beforeExit', onExit);
  }
  registered.add(sink);
}

/** Stops flushing `sink` on exit (it was closed). */
export function forgetOnExit(sink: ExitFlushable): void {
  if (!registered.delete(sink) || registered.size > 0) return;
  process.off('exit', onExit);
  process.off('beforeExit', onExit);
}
