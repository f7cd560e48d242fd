//! Charts: a PNG drawn with plotters and an embedded font, and text bars for places
//! without images.
//!
//! The PNG is drawn by hand on plotters' drawing area (labels, bars, ticks in pixels) rather
//! than through its chart builder: horizontal bars with long, right-aligned labels are what
//! readers need, and pixel layout keeps labels from being clipped. The only font is DejaVu
//! Sans, compiled in, so the output is the same on every machine and needs no system fonts.

use std::sync::LazyLock;

use image::ImageEncoder;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use unicode_width::UnicodeWidthStr;

use super::Digest;
use super::render::text::{clean_line, truncate_width};

/// PNG size in pixels.
pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 600;

/// Labels longer than this (in columns) are cut with `…` in the text bars.
const MAX_LABEL: usize = 24;
/// Keywords shown in the PNG.
const PNG_KEYWORDS: usize = 12;
/// Width of the keyword panel; the category panel takes the rest.
const KEYWORD_PANEL: u32 = 560;

const FONT: &str = "sans-serif";
const BACKGROUND: RGBColor = RGBColor(250, 250, 252);
const INK: RGBColor = RGBColor(33, 37, 41);
const MUTED: RGBColor = RGBColor(108, 117, 125);
const GRID: RGBColor = RGBColor(222, 226, 230);
const KEYWORD_BAR: RGBColor = RGBColor(66, 133, 244);
/// One colour per category, in [`crate::pipeline::category::Category::ALL`] order.
const CATEGORY_BARS: [RGBColor; 6] = [
    RGBColor(124, 77, 255),
    RGBColor(229, 57, 53),
    RGBColor(0, 137, 123),
    RGBColor(251, 140, 0),
    RGBColor(67, 160, 71),
    RGBColor(117, 117, 117),
];

/// Why a chart could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the embedded chart font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] image::ImageError),
}

/// Registered once per process: plotters keeps fonts in a global table.
static FONT_READY: LazyLock<bool> = LazyLock::new(|| {
    plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok()
        && plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok()
});

/// Text bars, one line per entry: `label │ ██████░░░░ n`. Labels are right-aligned to the
/// widest one (cut to 24 columns with `…`), bars are `width` cells scaled to the largest
/// count, and a non-zero count always shows at least one filled cell. Lines are joined with
/// `\n` (no trailing newline); no entries give an empty string.
pub fn text_bars(entries: &[(String, u32)], width: usize) -> String {
    let labels: Vec<String> = entries
        .iter()
        .map(|(label, _)| truncate_width(&clean_line(label), MAX_LABEL))
        .collect();
    let label_width = labels.iter().map(|l| l.width()).max().unwrap_or(0);
    let max = entries.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let lines: Vec<String> = labels
        .iter()
        .zip(entries)
        .map(|(label, (_, count))| {
            let filled = filled_cells(*count, max, width);
            let pad = " ".repeat(label_width - label.width());
            format!(
                "{pad}{label} │ {}{} {count}",
                "█".repeat(filled),
                "░".repeat(width - filled)
            )
        })
        .collect();
    lines.join("\n")
}

fn filled_cells(count: u32, max: u32, width: usize) -> usize {
    if count == 0 || max == 0 || width == 0 {
        return 0;
    }
    let scaled = (f64::from(count) / f64::from(max) * width as f64).round() as usize;
    scaled.clamp(1, width)
}

/// The keyword and category charts as one PNG of [`WIDTH`]×[`HEIGHT`]; an empty digest gives
/// an image that says "No items".
///
/// # Errors
///
/// [`ChartError::Font`] if the embedded font cannot be registered, [`ChartError::Draw`] or
/// [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn png(digest: &Digest) -> Result<Vec<u8>, ChartError> {
    if !*FONT_READY {
        return Err(ChartError::Font);
    }
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, digest).map_err(|e| ChartError::Draw(e.to_string()))?;
        root.present().map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes).write_image(&rgb, WIDTH, HEIGHT, image::ColorType::Rgb8)?;
    Ok(bytes)
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
type DrawError = DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>;
type DrawResult = Result<(), DrawError>;

fn draw(root: &Area<'_>, digest: &Digest) -> DrawResult {
    root.fill(&BACKGROUND)?;
    let title = drawable(&digest.title);
    let title = if title.is_empty() { "Digest".to_string() } else { title };
    let title_style = text_style(26, INK, FontStyle::Bold, HPos::Left);
    let title = fit(root, &title, &title_style, WIDTH - 48)?;
    root.draw(&Text::new(title, (24, 30), title_style))?;
    let s = &digest.stats;
    let footer = format!(
        "{}/{} sources · {} fetched → {} in window → {} stories → {} selected · last {} h · min score {}/30",
        s.sources_ok, s.sources_total, s.fetched, s.in_window, s.stories, s.selected, s.window_hours, s.min_score
    );
    root.draw(&Text::new(
        footer,
        (24, HEIGHT as i32 - 20),
        text_style(14, MUTED, FontStyle::Normal, HPos::Left),
    ))?;
    if digest.items.is_empty() {
        let (w, h) = (WIDTH as i32, HEIGHT as i32);
        root.draw(&Text::new(
            "No items",
            (w / 2, h / 2 - 20),
            text_style(48, MUTED, FontStyle::Bold, HPos::Center),
        ))?;
        let why = format!(
            "Nothing scored {}/30 or more in the last {} h",
            s.min_score, s.window_hours
        );
        root.draw(&Text::new(
            why,
            (w / 2, h / 2 + 30),
            text_style(18, MUTED, FontStyle::Normal, HPos::Center),
        ))?;
        return Ok(());
    }
    let body = root.margin(60, 44, 0, 0);
    let (left, right) = body.split_horizontally(KEYWORD_PANEL);
    let keywords: Vec<(String, u32)> = digest
        .keywords
        .iter()
        .take(PNG_KEYWORDS)
        .map(|(word, n)| (drawable(word), *n))
        .collect();
    bar_panel(&left, "Top keywords", &keywords, |_| KEYWORD_BAR)?;
    let categories: Vec<(String, u32)> = digest
        .categories
        .iter()
        .map(|(category, n)| (category.name().to_string(), *n))
        .collect();
    let colours: Vec<RGBColor> = digest
        .categories
        .iter()
        .map(|(category, _)| {
            let at = crate::pipeline::category::Category::ALL
                .iter()
                .position(|c| c == category)
                .unwrap_or(CATEGORY_BARS.len() - 1);
            CATEGORY_BARS[at.min(CATEGORY_BARS.len() - 1)]
        })
        .collect();
    bar_panel(&right, "Stories by category", &categories, |i| {
        colours.get(i).copied().unwrap_or(KEYWORD_BAR)
    })?;
    Ok(())
}

fn text_style(size: u32, colour: RGBColor, style: FontStyle, h: HPos) -> TextStyle<'static> {
    (FONT, f64::from(size), style)
        .into_font()
        .color(&colour)
        .pos(Pos::new(h, VPos::Center))
}

/// Feed text the font can draw: DejaVu has no colour emoji, which would show as boxes.
fn drawable(raw: &str) -> String {
    let kept: String = clean_line(raw)
        .chars()
        .filter(|&c| c < '\u{1F000}' && !matches!(c, '\u{FE0F}' | '\u{200D}' | '\u{20E3}'))
        .collect();
    clean_line(&kept)
}

/// `text` cut with "…" until it is at most `max_px` wide in `style`.
fn fit(area: &Area<'_>, text: &str, style: &TextStyle<'_>, max_px: u32) -> Result<String, DrawError> {
    let mut fitted = text.to_string();
    let mut columns = text.width();
    while columns > 1 && area.estimate_text_size(&fitted, style)?.0 > max_px {
        columns -= 1;
        fitted = truncate_width(text, columns);
    }
    Ok(fitted)
}

/// Largest tick value and tick step for counts up to `max`: whole numbers, at most ~8 ticks.
fn ticks(max: u32) -> (u32, u32) {
    let max = max.max(1);
    let rough = max.div_ceil(8);
    let mut step = 1;
    while step < rough {
        // 1, 2, 5, 10, 20, 50, …
        step = if step.to_string().starts_with('2') {
            step / 2 * 5
        } else {
            step * 2
        };
    }
    (max.div_ceil(step) * step, step)
}

/// One titled panel of horizontal bars, largest on top as given.
fn bar_panel(
    area: &Area<'_>,
    title: &str,
    entries: &[(String, u32)],
    colour: impl Fn(usize) -> RGBColor,
) -> DrawResult {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let pad = 24;
    area.draw(&Text::new(
        title.to_string(),
        (pad, 16),
        text_style(19, INK, FontStyle::Bold, HPos::Left),
    ))?;
    if entries.is_empty() {
        return area
            .draw(&Text::new(
                "none",
                (pad, 60),
                text_style(16, MUTED, FontStyle::Normal, HPos::Left),
            ))
            .map(|_| ());
    }
    let label_style = text_style(15, INK, FontStyle::Normal, HPos::Right);
    let count_style = text_style(14, INK, FontStyle::Bold, HPos::Left);
    let tick_style = text_style(12, MUTED, FontStyle::Normal, HPos::Center);

    // Labels may take up to 40% of the panel; longer ones are cut with "…" until they fit.
    let max_label_px = (w * 2 / 5) as u32;
    let mut labels = Vec::with_capacity(entries.len());
    for (label, _) in entries {
        labels.push(fit(
            area,
            &truncate_width(label, MAX_LABEL),
            &label_style,
            max_label_px,
        )?);
    }
    let mut label_px = 0;
    for label in &labels {
        label_px = label_px.max(area.estimate_text_size(label, &label_style)?.0 as i32);
    }

    let top = 44;
    let axis_y = h - 28;
    let bar_x = pad + label_px + 12;
    let bar_end = w - pad - 36;
    let bar_span = (bar_end - bar_x).max(1);
    let rows = entries.len() as i32;
    let row_h = ((axis_y - top) / rows).clamp(1, 42);
    let bar_h = (row_h * 2 / 3).max(1);
    let (axis_max, step) = ticks(entries.iter().map(|(_, n)| *n).max().unwrap_or(0));
    let x_of = |n: u32| bar_x + (i64::from(bar_span) * i64::from(n) / i64::from(axis_max)) as i32;

    let grid_bottom = top + row_h * rows;
    let mut tick = 0;
    while tick <= axis_max {
        let x = x_of(tick);
        area.draw(&PathElement::new(
            vec![(x, top - 4), (x, grid_bottom)],
            GRID.stroke_width(1),
        ))?;
        area.draw(&Text::new(tick.to_string(), (x, grid_bottom + 12), tick_style.clone()))?;
        tick += step;
    }
    area.draw(&PathElement::new(
        vec![(bar_x, top - 4), (bar_x, grid_bottom)],
        MUTED.stroke_width(1),
    ))?;

    for (i, ((_, count), label)) in entries.iter().zip(&labels).enumerate() {
        let row_top = top + row_h * i as i32;
        let mid = row_top + row_h / 2;
        area.draw(&Text::new(label.clone(), (bar_x - 10, mid), label_style.clone()))?;
        let bar_top = mid - bar_h / 2;
        let end = x_of(*count).max(bar_x + i32::from(*count > 0) * 2);
        if *count > 0 {
            area.draw(&Rectangle::new(
                [(bar_x + 1, bar_top), (end, bar_top + bar_h)],
                colour(i).filled(),
            ))?;
        }
        area.draw(&Text::new(count.to_string(), (end + 6, mid), count_style.clone()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::digest::render::fixture;

    fn entries(pairs: &[(&str, u32)]) -> Vec<(String, u32)> {
        pairs.iter().map(|(l, n)| (l.to_string(), *n)).collect()
    }

    #[test]
    fn text_bars_like_the_example() {
        let bars = text_bars(&entries(&[("ai", 3), ("ethics", 2), ("nvidia", 1)]), 20);
        let lines: Vec<&str> = bars.lines().collect();
        assert_eq!(lines[0], "    ai │ ████████████████████ 3");
        assert_eq!(lines[1], "ethics │ █████████████░░░░░░░ 2");
        assert_eq!(lines[2], "nvidia │ ███████░░░░░░░░░░░░░ 1");
        assert!(!bars.ends_with('\n'));
    }

    #[test]
    fn text_bars_widths_are_exact() {
        for width in [0, 1, 5, 20, 37] {
            let bars = text_bars(&entries(&[("a", 100), ("bb", 1), ("ccc", 0), ("dddd", 50)]), width);
            for line in bars.lines() {
                let bar: String = line.chars().filter(|c| matches!(c, '█' | '░')).collect();
                assert_eq!(bar.chars().count(), width, "{line}");
            }
            let widths: Vec<usize> = bars.lines().map(|l| l.find('│').unwrap_or(0)).collect();
            assert!(widths.windows(2).all(|w| w[0] == w[1]), "labels not aligned: {bars}");
        }
        let bars = text_bars(&entries(&[("a", 100), ("tiny", 1)]), 10);
        assert!(
            bars.lines().nth(1).is_some_and(|l| l.contains("█░░░░░░░░░ 1")),
            "{bars}"
        );
    }

    #[test]
    fn text_bars_edge_cases() {
        assert_eq!(text_bars(&[], 20), "");
        assert_eq!(text_bars(&entries(&[("zero", 0)]), 4), "zero │ ░░░░ 0");
        let long = text_bars(
            &entries(&[("an extremely long keyword label that goes on", 2), ("ok", 1)]),
            4,
        );
        let first = long.lines().next().unwrap_or_default();
        assert!(first.starts_with("an extremely long keywo… │"), "{first}");
        let cut = first.split(" │").next().unwrap_or_default();
        assert_eq!(cut.width(), MAX_LABEL);
        let wide = text_bars(&entries(&[("日本語のキーワードがとても長いですね", 1), ("x", 1)]), 2);
        let label_widths: Vec<usize> = wide
            .lines()
            .filter_map(|l| l.split(" │").next())
            .map(|l| l.width())
            .collect();
        assert_eq!(label_widths.len(), 2);
        assert!(
            label_widths.iter().all(|&w| w == label_widths[0] && w <= MAX_LABEL),
            "{wide}"
        );
        let escaped = text_bars(&entries(&[("\u{1b}[31mred", 1)]), 2);
        assert_eq!(escaped, "red │ ██ 1");
    }

    #[test]
    fn tick_steps_are_round() {
        assert_eq!(ticks(0), (1, 1));
        assert_eq!(ticks(3), (3, 1));
        assert_eq!(ticks(8), (8, 1));
        assert_eq!(ticks(9), (10, 2));
        assert_eq!(ticks(37), (40, 5));
        assert_eq!(ticks(130), (140, 20));
    }

    fn decode(bytes: &[u8]) -> image::RgbImage {
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        match image::load_from_memory(bytes) {
            Ok(img) => img.to_rgb8(),
            Err(e) => panic!("not a PNG: {e}"),
        }
    }

    /// Pixels in the box that differ from the background.
    fn inked(img: &image::RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
        let bg = image::Rgb([BACKGROUND.0, BACKGROUND.1, BACKGROUND.2]);
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| *img.get_pixel(x, y) != bg)
            .count()
    }

    #[test]
    fn png_has_title_bars_and_labels() {
        let bytes = png(&fixture::digest()).unwrap_or_else(|e| panic!("{e}"));
        let img = decode(&bytes);
        assert_eq!(img.dimensions(), (WIDTH, HEIGHT));
        assert!(inked(&img, 0, 0, WIDTH, 60) > 500, "title missing");
        assert!(inked(&img, 0, 100, 200, 550) > 500, "keyword labels missing");
        assert!(inked(&img, 250, 100, KEYWORD_PANEL, 550) > 5000, "keyword bars missing");
        assert!(
            inked(&img, KEYWORD_PANEL, 100, WIDTH, 550) > 5000,
            "category panel missing"
        );
        let bar = image::Rgb([KEYWORD_BAR.0, KEYWORD_BAR.1, KEYWORD_BAR.2]);
        assert!(img.pixels().filter(|p| **p == bar).count() > 2000);
        if let Ok(dir) = std::env::var("NEWSDESK_CHART_SAMPLE_DIR") {
            let _ = std::fs::write(Path::new(&dir).join("digest-chart.png"), &bytes);
        }
    }

    #[test]
    fn empty_digest_png_says_no_items() {
        let bytes = png(&fixture::empty_digest()).unwrap_or_else(|e| panic!("{e}"));
        let img = decode(&bytes);
        assert_eq!(img.dimensions(), (WIDTH, HEIGHT));
        assert!(inked(&img, 300, 240, 700, 320) > 500, "\"No items\" missing");
        if let Ok(dir) = std::env::var("NEWSDESK_CHART_SAMPLE_DIR") {
            let _ = std::fs::write(Path::new(&dir).join("digest-chart-empty.png"), &bytes);
        }
    }

    #[test]
    fn png_survives_long_labels_and_big_counts() {
        let mut d = fixture::digest();
        d.title = "📰 Agents & Autonomous Systems Digest for the Week — 2026-11-23 — with an absurdly long subtitle that cannot fit".to_string();
        d.keywords = vec![
            ("retrieval-augmented generation pipelines at scale".to_string(), 137),
            ("日本語のキーワード".to_string(), 64),
            ("🤖 robots".to_string(), 9),
            ("x".to_string(), 0),
        ];
        d.categories = crate::pipeline::category::Category::ALL
            .iter()
            .map(|&c| (c, 40))
            .collect();
        let bytes = png(&d).unwrap_or_else(|e| panic!("{e}"));
        let img = decode(&bytes);
        assert_eq!(img.dimensions(), (WIDTH, HEIGHT));
        // Nothing is drawn into the right-hand margin: the title was fitted, not clipped.
        assert_eq!(inked(&img, WIDTH - 8, 0, WIDTH, HEIGHT), 0);
        if let Ok(dir) = std::env::var("NEWSDESK_CHART_SAMPLE_DIR") {
            let _ = std::fs::write(Path::new(&dir).join("digest-chart-long.png"), &bytes);
        }
    }
}
