/** The English catalogue, the source every other language is typed from; bundled with the app. */
import { card } from './card';
import { operator } from './operator';
import { pages } from './pages';
import { localReasons, reasons, serverErrors } from './reasons';
import { status } from './status';
import { words } from './words';

export const en = { words, reasons, localReasons, serverErrors, status, card, operator, pages };
