//! A bar chart of households by hamlet and category, drawn with plotters into a PNG in
//! memory, with a bundled font that has Vietnamese glyphs (no system fonts needed).

use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::domain::Category;
use crate::message::FileRef;
use crate::store::communes::{self, Commune};
use crate::store::{Tx, digests};
use crate::text::{Lang, Texts};

static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

const COLOURS: [RGBColor; 5] = [
    RGBColor(198, 40, 40),
    RGBColor(239, 108, 0),
    RGBColor(46, 125, 50),
    RGBColor(21, 101, 192),
    RGBColor(117, 117, 117),
];

/// The chart for a commune, or None when it has no household yet.
pub async fn households_png(
    tx: &mut Tx,
    commune: &Commune,
    texts: &Texts,
    lang: Lang,
) -> anyhow::Result<Option<FileRef>> {
    let counts = digests::households_by_hamlet(tx, commune.id).await?;
    if counts.is_empty() {
        return Ok(None);
    }
    // Every hamlet gets its place, an empty one too: a gap is information.
    let hamlets: Vec<String> = communes::hamlets(tx, commune.id)
        .await?
        .into_iter()
        .map(|h| h.name)
        .collect();
    let series: Vec<(String, Vec<i64>)> = Category::ALL
        .iter()
        .map(|cat| {
            let values = hamlets
                .iter()
                .map(|h| {
                    counts
                        .iter()
                        .filter(|c| &c.a == h && c.b == cat.code())
                        .map(|c| c.n)
                        .sum()
                })
                .collect();
            (texts.get(lang, cat.message_id(), &[]), values)
        })
        .collect();
    let title = texts.get(
        lang,
        "chart-title",
        &[("commune", commune.name.clone().into())],
    );
    let png = draw(&title, &hamlets, &series)?;
    Ok(Some(FileRef::inline("photo", "ho-theo-xom.png", &png)))
}

/// Draws stacked bars, one per hamlet, a colour per category; returns PNG bytes.
pub fn draw(
    title: &str,
    hamlets: &[String],
    series: &[(String, Vec<i64>)],
) -> anyhow::Result<Vec<u8>> {
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
    let (w, h) = (800u32, 500u32);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE)?;
        let max = (0..hamlets.len())
            .map(|i| series.iter().map(|(_, v)| v[i]).sum::<i64>())
            .max()
            .unwrap_or(1)
            .max(1);
        let n = hamlets.len() as i32;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(40)
            .build_cartesian_2d((0..n).into_segmented(), 0..(max + max / 5 + 1))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => hamlets.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", 14))
            .draw()?;
        let mut base = vec![0i64; hamlets.len()];
        for (k, (name, values)) in series.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let bars: Vec<_> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0)
                .map(|(i, v)| {
                    let i = i as i32;
                    let mut r = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), base[i as usize]),
                            (SegmentValue::Exact(i + 1), base[i as usize] + v),
                        ],
                        colour.filled(),
                    );
                    r.set_margin(0, 0, 25, 25);
                    base[i as usize] += v;
                    r
                })
                .collect();
            chart
                .draw_series(bars)?
                .label(name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()?;
        root.present()?;
    }
    let img =
        image::RgbImage::from_raw(w, h, buf).ok_or_else(|| anyhow::anyhow!("chart buffer"))?;
    let mut png = std::io::Cursor::new(vec![]);
    img.write_to(&mut png, image::ImageOutputFormat::Png)?;
    Ok(png.into_inner())
}
