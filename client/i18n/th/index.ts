/** The Thai catalogue: loaded only when Thai is chosen (its own chunk); the type checker holds it to every English key. */
import type { Catalogue } from '../catalogue';
import { card } from './card';
import { operator } from './operator';
import { pages } from './pages';
import { localReasons, reasons, serverErrors } from './reasons';
import { status } from './status';
import { words } from './words';

export const th: Catalogue = { words, reasons, localReasons, serverErrors, status, card, operator, pages };
