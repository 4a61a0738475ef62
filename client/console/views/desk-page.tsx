/**
 * @module A planning desk page, loaded on first use (its chunk: views/desk/desk-pages.tsx). Until
 * it arrives the page says so; if it cannot be fetched (the server went away), it says that.
 */
import { useEffect, useState } from 'preact/hooks';
import { useConsoleText } from '../i18n/language';
import type { PageProps } from '../page';
import type { DeskPageName } from '../router';
import type * as DeskPages from './desk/desk-pages';

type DeskModule = typeof DeskPages;
let loading: Promise<DeskModule> | null = null;

function loadDesk(): Promise<DeskModule> {
  loading ??= import('./desk/desk-pages').catch((error: unknown) => {
    loading = null; // a later visit tries again
    throw error;
  });
  return loading;
}

export function DeskPage(props: PageProps & { page: DeskPageName }) {
  const { t } = useConsoleText();
  const [desk, setDesk] = useState<DeskModule | null | 'failed'>(null);
  useEffect(() => {
    let stopped = false;
    loadDesk().then(
      (module) => !stopped && setDesk(module),
      () => !stopped && setDesk('failed'),
    );
    return () => {
      stopped = true;
    };
  }, []);
  if (desk === null || desk === 'failed')
    return (
      <main class="page">
        <p role="status">{desk === 'failed' ? t.app.deskFailed : t.app.deskLoading}</p>
      </main>
    );
  const View = desk.DESK_PAGE_VIEWS[props.page];
  return <View {...props} />;
}
