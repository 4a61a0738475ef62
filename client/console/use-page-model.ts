/**
 * @module A console page's model: made once for the shell's fetch, sign-out and clock, loaded when
 * the page opens and stopped when it closes. A page that follows the live stream names the kinds of
 * change it shows; its model is told of each (and of a reload) while the page is open.
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { LiveChangeKind } from '../../shared/live-api';
import type { PageProps } from './page';

/** What the page asks of its model: a first load, and (when it keeps timers) a stop. */
export interface PageModel {
  load(): Promise<void>;
  stop?(): void;
}

/** The live changes a page follows, and what its model does on one (or on a reload). */
export interface FollowLive<M> {
  kinds: readonly LiveChangeKind[];
  changed: (model: M) => void;
}

export function usePageModel<M extends PageModel>(
  props: PageProps,
  make: (props: PageProps) => M,
  follow?: FollowLive<M>,
): M {
  const { fetcher, signedOut, clock, bus } = props;
  const model = useMemo(() => make(props), [fetcher, signedOut, clock]);
  useEffect(() => {
    void model.load();
    const unfollow =
      follow &&
      bus.subscribe({
        kinds: follow.kinds,
        changes: () => follow.changed(model),
        reload: () => follow.changed(model),
      });
    return () => {
      unfollow?.();
      model.stop?.();
    };
  }, [model, bus]);
  return model;
}
