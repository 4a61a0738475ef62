import type { Catalogue } from '../catalogue';

export const card: Catalogue['card'] = {};
