/**
 * @module The planning desk's pages in one chunk of their own: only an admin who opens a desk page
 * downloads them (app.tsx imports this module with import()), so a supervisor's console stays small.
 */
import type { ComponentType } from 'preact';
import type { PageProps } from '../../page';
import type { DeskPageName } from '../../router';
import { DisplaysPage } from '../displays';
import { ChangesPage } from './changes';
import { LabelsPage } from './labels';
import { PeoplePage } from './people';
import { PrintersPage } from './printers';
import { RoutingsPage } from './routings';
import { TicketsPage } from './tickets';

export const DESK_PAGE_VIEWS: Record<DeskPageName, ComponentType<PageProps>> = {
  routings: RoutingsPage,
  tickets: TicketsPage,
  labels: LabelsPage,
  people: PeoplePage,
  printers: PrintersPage,
  displays: DisplaysPage,
  changes: ChangesPage,
};
