import { type DependencyList, useCallback, useEffect, useState } from "react";

/** The state of a load: its data once there, the error if it failed, and a way to load again. */
export type AsyncState<T> = { data: T | undefined; error: unknown; loading: boolean; reload: () => void };

/**
 * Runs `load` when the deps change and keeps the latest answer; an answer to an older request that arrives
 * late is dropped, so fast typing never shows stale results.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to load again
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: null, loading: false }),
      (error: unknown) => !controller.signal.aborted && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => controller.abort();
  }, [...deps, round]);
  return { ...state, reload };
}

/** A value that follows `value` once it has stopped changing for `ms` milliseconds (for search-as-you-type). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
