/**
 * @module The decode worker on @zxing/library (pure JavaScript): reads Code 128, DataMatrix, QR and
 * EAN-13 from the frame's luma. Every other frame is read turned a quarter: a tablet held upright
 * over a label lying across sees its bars horizontal, which this reader does not try by itself
 * (TRY_HARDER does not fix that and makes empty frames, the loop's usual case, ~4x slower).
 */
import {
  BarcodeFormat,
  BinaryBitmap,
  ChecksumException,
  DecodeHintType,
  FormatException,
  HybridBinarizer,
  MultiFormatReader,
  NotFoundException,
  RGBLuminanceSource,
} from '@zxing/library';
import { serveDecoder, turnQuarter } from './decode-worker-protocol';

serveDecoder(() => {
  const reader = new MultiFormatReader();
  reader.setHints(
    new Map<DecodeHintType, unknown>([
      [
        DecodeHintType.POSSIBLE_FORMATS,
        [BarcodeFormat.CODE_128, BarcodeFormat.DATA_MATRIX, BarcodeFormat.QR_CODE, BarcodeFormat.EAN_13],
      ],
    ]),
  );
  let attempt = 0;
  return Promise.resolve(async (lumaOf) => {
    const upright = await lumaOf();
    const { luma, width, height } = attempt++ % 2 === 1 ? turnQuarter(upright) : upright;
    // A one-byte array is taken as luma as it is (a four-byte one would be read as ARGB).
    const source = new RGBLuminanceSource(
      new Uint8ClampedArray(luma.buffer, luma.byteOffset, luma.length),
      width,
      height,
    );
    const bitmap = new BinaryBitmap(new HybridBinarizer(source));
    try {
      return reader.decodeWithState(bitmap).getText();
    } catch (error) {
      // "No barcode here" and "a barcode, but it does not read" are the usual answers, not errors.
      if (
        error instanceof NotFoundException ||
        error instanceof ChecksumException ||
        error instanceof FormatException
      )
        return null;
      throw error;
    }
  });
});
