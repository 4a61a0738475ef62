/**
 * @module The change log page (admin, SPEC DK-1, DK-39): the audit trail newest first, a page at a
 * time ("Show older" appends the next), narrowed by action and subject (a new filter starts again
 * from the newest). A 401 hands back to sign-in.
 */
import type { AdminAction, AdminChange } from '../../../shared/admin-changes-api';
import { Model } from '../../state/model';
import type { ChangeFilters } from '../api/changes';
import { fetchChanges } from '../api/changes';

export const CHANGES_PAGE_SIZE = 50;

export interface ChangesState {
  filters: ChangeFilters;
  changes: readonly AdminChange[] | null;
  /** The cursor of the older page; null: nothing older. */
  next: string | null;
  loading: boolean;
  loadFailed: boolean;
}

export class ChangesModel extends Model<ChangesState> {
  /** Counts loads, so an answer to an earlier filter is dropped. */
  private generation = 0;

  constructor(
    private readonly fetcher: typeof fetch,
    private readonly unauthorized: () => void,
    private readonly pageSize = CHANGES_PAGE_SIZE,
  ) {
    super({
      filters: { action: null, subject: '' },
      changes: null,
      next: null,
      loading: false,
      loadFailed: false,
    });
  }

  /** The newest page for the filters. */
  async load(): Promise<void> {
    await this.fetchPage(null);
  }

  /** The next older page, after what is shown. */
  async older(): Promise<void> {
    const { next, loading } = this.get();
    if (next === null || loading) return;
    await this.fetchPage(next);
  }

  async filter(filters: { action?: AdminAction | null; subject?: string }): Promise<void> {
    this.patch({ filters: { ...this.get().filters, ...filters } });
    await this.load();
  }

  private async fetchPage(after: string | null): Promise<void> {
    const generation = ++this.generation;
    this.patch({ loading: true });
    const answer = await fetchChanges(this.fetcher, this.get().filters, after, this.pageSize);
    if (generation !== this.generation) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    if (!answer.ok) return this.patch({ loading: false, loadFailed: true });
    const shown = after === null ? [] : (this.get().changes ?? []);
    this.patch({
      changes: [...shown, ...answer.value.changes],
      next: answer.value.next,
      loading: false,
      loadFailed: false,
    });
  }
}
