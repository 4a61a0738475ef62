/** @module The barcode formats the camera reads, shared by the page and its decode workers. */

/** What the shop floor prints: Code 128 (serials, badges, commands), DataMatrix and QR (GS1), EAN-13. */
export const SCAN_FORMATS = ['code_128', 'data_matrix', 'qr_code', 'ean_13'] as const;
/** A native detector must read these to be used; EAN-13 is a "maybe" on the floor. */
export const REQUIRED_FORMATS: readonly string[] = ['code_128', 'data_matrix', 'qr_code'];
