//! End-to-end checks of the printing pipeline: exact bytes, QR codes decoded back with an
//! independent decoder (rqrr), previews decoded with the png crate, the virtual printer.

use super::escpos_enc::{native_qr, CUT, ENTER_CHINESE, LEAVE_CHINESE};
use super::*;

const GS_V0: [u8; 4] = [0x1D, b'v', b'0', 0];

fn opts(paper: Paper, text_mode: TextMode, qr_mode: QrMode) -> EncodeOptions {
    EncodeOptions {
        paper,
        text_mode,
        qr_mode,
    }
}

fn slip(ops: Vec<Op>) -> Slip {
    Slip {
        kind: SlipKind::Visitor,
        ops,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Walks an ESC/POS stream and returns every `GS v 0` image with its position; the rest
/// of the stream is skipped byte by byte (our text never contains 0x1D).
fn raster_blocks(bytes: &[u8]) -> Vec<(usize, Bitmap)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 8 <= bytes.len() {
        if bytes[i..i + 4] == GS_V0 {
            let rb = u16::from_le_bytes([bytes[i + 4], bytes[i + 5]]) as usize;
            let rows = u16::from_le_bytes([bytes[i + 6], bytes[i + 7]]) as usize;
            let data = bytes[i + 8..i + 8 + rb * rows].to_vec();
            out.push((i, Bitmap::from_packed(rb as u32 * 8, rows as u32, data).unwrap()));
            i += 8 + rb * rows;
        } else {
            i += 1;
        }
    }
    out
}

/// Stacks consecutive bands into one image, as the printer does on paper.
fn stack(blocks: &[(usize, Bitmap)]) -> Bitmap {
    let width = blocks[0].1.width();
    let mut data = Vec::new();
    for (_, b) in blocks {
        assert_eq!(b.width(), width);
        data.extend_from_slice(b.data());
    }
    let h = (data.len() / (width as usize / 8)) as u32;
    Bitmap::from_packed(width, h, data).unwrap()
}

fn decode_qr(w: usize, h: usize, pixel: impl Fn(usize, usize) -> u8) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, pixel);
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

fn decode_bitmap_qr(b: &Bitmap) -> Vec<String> {
    decode_qr(b.width() as usize, b.height() as usize, |x, y| {
        if b.get(x as u32, y as u32) {
            0
        } else {
            255
        }
    })
}

#[test]
fn job_starts_with_init_and_ends_with_partial_cut() {
    let s = slip(vec![Op::Text("Hello".into())]);
    let bytes = encode(&s, &EncodeOptions::default()).unwrap();
    assert_eq!(&bytes[..7], &[0x1B, 0x40, 0x1B, 0x33, 30, 0x1C, 0x26]);
    assert!(bytes.ends_with(&[0x1C, 0x2E, 0x1D, 0x56, 66, 24]));
    assert_eq!(CUT, [0x1D, 0x56, 0x42, 24]);
    // A slip that already ends with Cut is not cut twice.
    let mut with_cut = s.clone();
    with_cut.ops.push(Op::Cut);
    assert_eq!(encode(&with_cut, &EncodeOptions::default()).unwrap(), bytes);
    // escpos' own partial_cut() (GS V 65 1) is a full cut on many printers: never sent.
    assert_eq!(find(&bytes, &[0x1D, 0x56, 65]), None);
}

#[test]
fn chinese_text_is_gb18030_inside_chinese_mode() {
    let s = slip(vec![Op::Text("您好".into())]);
    let bytes = encode(&s, &EncodeOptions::default()).unwrap();
    let enter = find(&bytes, &ENTER_CHINESE).unwrap();
    let text = find(&bytes, &[0xC4, 0xFA, 0xBA, 0xC3, b'\n']).unwrap();
    let leave = find(&bytes, &LEAVE_CHINESE).unwrap();
    assert!(enter < text && text < leave);
    assert!(raster_blocks(&bytes).is_empty());
}

#[test]
fn styles_are_sent_for_titles_and_reset() {
    let s = slip(vec![Op::Title("访客".into()), Op::Text("x".into())]);
    let bytes = encode(&s, &EncodeOptions::default()).unwrap();
    let title = [
        0x1B, b'a', 1, 0x1B, b'E', 1, 0x1D, b'!', 0x11, 0xB7, 0xC3, 0xBF, 0xCD, b'\n',
    ];
    let at = find(&bytes, &title).expect("centred bold double title");
    let reset = [0x1B, b'a', 0, 0x1B, b'E', 0, 0x1D, b'!', 0, b'x', b'\n'];
    assert_eq!(find(&bytes, &reset), Some(at + title.len()));
}

#[test]
fn four_byte_gb18030_lines_become_images() {
    // 𠀀 (Ext. B) and 䶶 (Ext. A) are 4-byte GB18030; 䶮 is 2-byte but sits in the
    // FE50..FEA0 range printer fonts lack. None may come out as text, `?` or `&#`.
    for name in ["访客 𠀀先生", "䶶女士", "刘䶮", "😀"] {
        let s = slip(vec![Op::Text("ok".into()), Op::Text(name.into())]);
        let bytes = encode(&s, &EncodeOptions::default()).unwrap();
        let blocks = raster_blocks(&bytes);
        assert_eq!(blocks.len(), 1, "{name}");
        assert_eq!(blocks[0].1.height(), 30);
        assert!(blocks[0].1.data().iter().any(|&b| b != 0));
        let before_image = &bytes[..blocks[0].0];
        assert!(find(before_image, b"ok\n").is_some());
        assert_eq!(find(before_image, b"?"), None);
        assert_eq!(find(&bytes, b"&#"), None);
        let (gb, _, _) = encoding_rs::GB18030.encode(name);
        assert_eq!(find(&bytes, &gb), None);
    }
}

#[test]
fn image_mode_draws_every_line() {
    let s = slip(vec![Op::Title("阳光花园".into()), Op::Text("您好".into()), Op::Divider]);
    let o = opts(Paper::Mm58, TextMode::Image, QrMode::Raster);
    let bytes = encode(&s, &o).unwrap();
    assert_eq!(find(&bytes, &ENTER_CHINESE), None);
    assert_eq!(find(&bytes, &[0xC4, 0xFA]), None);
    let heights: Vec<u32> = raster_blocks(&bytes).iter().map(|(_, b)| b.height()).collect();
    assert_eq!(heights, vec![60, 30, 30]);
    assert!(raster_blocks(&bytes).iter().all(|(_, b)| b.width() == 384));
}

#[test]
fn raster_qr_decodes_on_both_papers() {
    let payload = "https://kiosk.example/v/8F3K2Q?room=3-1201&t=20250102";
    for paper in [Paper::Mm58, Paper::Mm80] {
        let s = slip(vec![Op::Text("扫码".into()), Op::Qr(payload.into()), Op::Cut]);
        let bytes = encode(&s, &opts(paper, TextMode::Gb18030, QrMode::Raster)).unwrap();
        let blocks = raster_blocks(&bytes);
        let img = stack(&blocks);
        assert_eq!(img.width(), paper.dots_per_line());
        assert_eq!(decode_bitmap_qr(&img), vec![payload.to_string()]);
    }
}

#[test]
fn tall_qr_is_split_into_bands_and_still_decodes() {
    let payload = "x".repeat(300);
    let bytes = encode(
        &slip(vec![Op::Qr(payload.clone())]),
        &opts(Paper::Mm80, TextMode::Gb18030, QrMode::Raster),
    )
    .unwrap();
    let blocks = raster_blocks(&bytes);
    assert!(blocks.len() > 1);
    assert_eq!(decode_bitmap_qr(&stack(&blocks)), vec![payload]);
}

#[test]
fn native_qr_selects_model_2_explicitly() {
    let bytes = native_qr("AB", 8);
    let expected: Vec<u8> = [
        &[0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0][..],
        &[0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, 8],
        &[0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, 0x31],
        &[0x1D, 0x28, 0x6B, 5, 0, 0x31, 0x50, 0x30, b'A', b'B'],
        &[0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30],
    ]
    .concat();
    assert_eq!(bytes, expected);
    let s = slip(vec![Op::Qr("AB".into())]);
    let job = encode(&s, &opts(Paper::Mm58, TextMode::Gb18030, QrMode::Native)).unwrap();
    // Centred, module size as in raster mode (8 dots for a 21-module code on 384 dots).
    let at = find(&job, &expected).unwrap();
    assert_eq!(&job[at - 3..at], &[0x1B, b'a', 1]);
    assert!(raster_blocks(&job).is_empty());
}

#[test]
fn unencodable_qr_is_an_error_not_a_panic() {
    let s = slip(vec![Op::Qr("字".repeat(1500))]);
    assert!(matches!(
        encode(&s, &EncodeOptions::default()),
        Err(EncodeError::Raster(_))
    ));
    assert!(render_png(&s, Paper::Mm80).is_err());
}

#[test]
fn user_text_cannot_inject_commands() {
    let s = slip(vec![Op::Field {
        label: "姓名".into(),
        value: "张\u{1B}@\u{1D}V\u{0}x".into(),
    }]);
    let bytes = encode(&s, &EncodeOptions::default()).unwrap();
    assert_eq!(find(&bytes[2..], &[0x1B, 0x40]), None);
    assert_eq!(find(&bytes, &[0x1D, 0x56, 0x00]), None);
}

fn decode_png(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn preview_png_decodes_and_its_qr_scans() {
    for paper in [Paper::Mm58, Paper::Mm80] {
        let s = test_slip("阳光花园小区", "400-800-1234", "2025-01-02 09:30");
        let png_bytes = render_png(&s, paper).unwrap();
        let (w, h, px) = decode_png(&png_bytes);
        assert_eq!(w, paper.dots_per_line() + 32);
        assert!(h > 400);
        assert!(px.contains(&0) && px.contains(&255));
        let found = decode_qr(w as usize, h as usize, |x, y| px[y * w as usize + x]);
        assert_eq!(found, vec!["lobby-kiosk printer test 2025-01-02 09:30".to_string()]);
    }
}

#[test]
fn preview_height_follows_the_printed_layout() {
    // Margins 16+16, one 30-dot line, a 2-line feed (60), the cut mark (49).
    let s = slip(vec![Op::Text("您好".into()), Op::Feed(2)]);
    let (_, h, _) = decode_png(&render_png(&s, Paper::Mm58).unwrap());
    assert_eq!(h, 32 + 30 + 60 + 49);
    // The QR is drawn at exactly the printed size.
    let payload = "VISIT-0001";
    let printed = raster_blocks(&encode(&slip(vec![Op::Qr(payload.into())]), &EncodeOptions::default()).unwrap());
    let (_, h, _) = decode_png(&render_png(&slip(vec![Op::Qr(payload.into())]), Paper::Mm80).unwrap());
    assert_eq!(h, 32 + stack(&printed).height() + 49);
}

#[test]
fn test_slip_encodes_with_text_and_one_qr() {
    let s = test_slip("阳光花园", "400-800-1234", "2025-01-02 09:30");
    for paper in [Paper::Mm58, Paper::Mm80] {
        let bytes = encode(&s, &opts(paper, TextMode::Gb18030, QrMode::Raster)).unwrap();
        let (gb, _, _) = encoding_rs::GB18030.encode("您好，祝您生活愉快");
        assert!(find(&bytes, &gb).is_some());
        assert!(find(&bytes, b"400-800-1234").is_some());
        let blocks = raster_blocks(&bytes);
        assert_eq!(
            decode_bitmap_qr(&stack(&blocks)),
            vec!["lobby-kiosk printer test 2025-01-02 09:30".to_string()]
        );
    }
}

mod virtual_printer {
    use super::*;
    use std::fs;

    fn job(kind: SlipKind, bytes: &[u8], png: bool) -> PrintJob {
        PrintJob {
            kind,
            bytes: bytes.to_vec(),
            preview_png: png.then(|| vec![0x89, b'P', b'N', b'G']),
        }
    }

    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_numbered_bin_and_png_creating_the_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data").join("slips");
        let mut p = VirtualPrinter::new(dir.clone());
        assert_eq!(p.name(), "virtual");
        p.send(&job(SlipKind::Test, b"\x1b@one", true)).unwrap();
        p.send(&job(SlipKind::Visitor, b"\x1b@two", false)).unwrap();
        assert_eq!(
            names(&dir),
            vec!["000001-test.bin", "000001-test.png", "000002-visitor.bin"]
        );
        assert_eq!(fs::read(dir.join("000001-test.bin")).unwrap(), b"\x1b@one");
    }

    #[test]
    fn continues_after_the_highest_existing_sequence() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        fs::write(dir.join("000041-pass.bin"), b"old").unwrap();
        fs::write(dir.join("000007-test.png"), b"old").unwrap();
        fs::write(dir.join("notes.txt"), b"ignored").unwrap();
        fs::write(dir.join(".000090-pass.bin.tmp"), b"crashed mid-write").unwrap();
        let mut p = VirtualPrinter::new(dir.clone());
        p.send(&job(SlipKind::Ticket, b"a", true)).unwrap();
        // A restarted kiosk (new driver) continues too, never overwriting.
        let mut p2 = VirtualPrinter::new(dir.clone());
        p2.send(&job(SlipKind::Ticket, b"b", false)).unwrap();
        // The first driver notices the file the second one wrote.
        p.send(&job(SlipKind::Ticket, b"c", false)).unwrap();
        assert_eq!(fs::read(dir.join("000041-pass.bin")).unwrap(), b"old");
        assert_eq!(fs::read(dir.join("000042-ticket.bin")).unwrap(), b"a");
        assert_eq!(fs::read(dir.join("000043-ticket.bin")).unwrap(), b"b");
        assert_eq!(fs::read(dir.join("000044-ticket.bin")).unwrap(), b"c");
        assert!(names(&dir).iter().all(|n| !n.ends_with(".tmp")));
    }

    #[test]
    fn parses_sequences_strictly() {
        use super::super::virtual_printer::parse_sequence;
        assert_eq!(parse_sequence("000042-visitor.bin"), Some(42));
        assert_eq!(parse_sequence("1234567-report.png"), Some(1234567));
        assert_eq!(parse_sequence(".000050-test.bin.tmp"), None);
        assert_eq!(parse_sequence("abc-1.bin"), None);
        assert_eq!(parse_sequence("-1.bin"), None);
        assert_eq!(parse_sequence("99999999999999999999999-x"), None);
    }

    #[test]
    fn unwritable_destination_is_an_error_value() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("not-a-dir");
        fs::write(&file, b"x").unwrap();
        let mut p = VirtualPrinter::new(file.join("slips"));
        let err = p.send(&job(SlipKind::Test, b"x", true)).unwrap_err();
        assert!(matches!(err, DriverError::Io { .. }), "{err}");
        assert!(err.to_string().contains("not-a-dir"));
    }

    #[test]
    fn make_job_feeds_the_virtual_printer() {
        let tmp = tempfile::tempdir().unwrap();
        let s = test_slip("阳光花园", "400-800-1234", "now");
        let j = make_job(&s, &EncodeOptions::default()).unwrap();
        let mut p: Box<dyn PrinterDriver> = Box::new(VirtualPrinter::new(tmp.path().into()));
        p.send(&j).unwrap();
        let png_bytes = fs::read(tmp.path().join("000001-test.png")).unwrap();
        assert_eq!(decode_png(&png_bytes).0, 576 + 32);
        assert_eq!(fs::read(tmp.path().join("000001-test.bin")).unwrap(), j.bytes);
    }
}
