import type { Catalogue } from '../catalogue';

export const status: Catalogue['status'] = {};
