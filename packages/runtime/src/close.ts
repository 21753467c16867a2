/** Something a runtime closes. */
export interface Closing {
  /** What it is, for the error: `session`, `store`. */
  name: string;
  close(): Promise<void>;
}

/**
 * Closes each of `items` in order, every one even if another fails, and throws an `AggregateError` of the
 * failures (each its own error, in the order they happened) when there were any.
 */
export async function closeAll(items: readonly Closing[], what: string): Promise<void> {
  const failures: unknown[] = [];
  const names: string[] = [];
  for (const item of items) {
    try {
      await item.close();
    } catch (error) {
      failures.push(error);
      names.push(item.name);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(failures, `closing ${what}: ${failures.length} failed (${names.join(', ')})`);
  }
}
