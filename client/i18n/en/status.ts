/** The status part of the English catalogue (the source: Thai is typed from it). */
export const status = {};
