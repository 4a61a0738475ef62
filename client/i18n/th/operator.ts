import type { Catalogue } from '../catalogue';

export const operator: Catalogue['operator'] = {};
