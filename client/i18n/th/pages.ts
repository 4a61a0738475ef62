import type { Catalogue } from '../catalogue';

export const pages: Catalogue['pages'] = {};
