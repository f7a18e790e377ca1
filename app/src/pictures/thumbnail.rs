//! Turning an upload into the stored thumbnail. The format is read from the bytes, never
//! from the request; only PNG, JPEG and WebP are decoded, under limits on dimensions and
//! memory, so a small file that claims a huge image is refused instead of exhausting the
//! server.

use super::{MAX_UPLOAD_BYTES, SIDE};
use crate::error::{AppError, Problem};
use image::imageops::FilterType;
use image::{ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The widest or tallest image decoded.
const MAX_DIMENSION: u32 = 10_000;
/// The most memory one decoding may take.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

fn refused(problem: Problem) -> AppError {
    AppError::invalid("picture", problem)
}

/// The square PNG thumbnail of the image in `upload`; 400 when it is too large, empty,
/// or not a PNG, JPEG or WebP image that decodes.
pub fn thumbnail(upload: &[u8]) -> Result<Vec<u8>, AppError> {
    if upload.is_empty() {
        return Err(refused(Problem::Required));
    }
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err(refused(Problem::FileTooLarge {
            max_mb: (MAX_UPLOAD_BYTES / (1024 * 1024)) as u32,
        }));
    }
    let format = image::guess_format(upload).map_err(|_| refused(Problem::NotAnImage))?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    ) {
        return Err(refused(Problem::NotAnImage));
    }
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| refused(Problem::NotAnImage))?;
    let side = image.width().min(image.height());
    let square = image.crop_imm(
        (image.width() - side) / 2,
        (image.height() - side) / 2,
        side,
        side,
    );
    let thumbnail = square.resize_exact(SIDE, SIDE, FilterType::Triangle);
    let mut png = Vec::new();
    thumbnail
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|_| AppError::Internal)?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, RgbImage};

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image =
            DynamicImage::ImageRgb8(RgbImage::from_pixel(width, height, [200, 30, 90].into()));
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    #[test]
    fn png_jpeg_and_webp_become_a_square_png_of_the_stored_size() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let stored = thumbnail(&encoded(640, 480, format)).unwrap();
            assert_eq!(
                image::guess_format(&stored).unwrap(),
                ImageFormat::Png,
                "{format:?}"
            );
            let decoded = image::load_from_memory(&stored).unwrap();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (SIDE, SIDE),
                "{format:?}"
            );
        }
    }

    #[test]
    fn what_is_not_an_allowed_image_or_is_too_large_is_refused_by_name() {
        assert_eq!(
            thumbnail(b"GIF89a not really"),
            Err(refused(Problem::NotAnImage))
        );
        assert_eq!(thumbnail(b"%PDF-1.7"), Err(refused(Problem::NotAnImage)));
        let mut truncated = encoded(64, 64, ImageFormat::Png);
        truncated.truncate(40);
        assert_eq!(thumbnail(&truncated), Err(refused(Problem::NotAnImage)));
        assert_eq!(thumbnail(&[]), Err(refused(Problem::Required)));
        let huge = vec![0_u8; MAX_UPLOAD_BYTES + 1];
        assert_eq!(
            thumbnail(&huge),
            Err(refused(Problem::FileTooLarge { max_mb: 2 }))
        );
    }

    #[test]
    fn an_image_that_claims_enormous_dimensions_is_refused_before_it_is_decoded() {
        // A valid PNG header announcing 20,000 × 20,000 pixels, and no pixels.
        let mut header = encoded(1, 1, ImageFormat::Png);
        header[16..20].copy_from_slice(&20_000_u32.to_be_bytes());
        header[20..24].copy_from_slice(&20_000_u32.to_be_bytes());
        assert_eq!(thumbnail(&header), Err(refused(Problem::NotAnImage)));
    }
}
