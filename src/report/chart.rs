//! A bar chart of households by hamlet and category, drawn with plotters into a PNG in
//! memory, with a bundled font that has Vietnamese glyphs (no system fonts needed).

use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;

use chrono::NaiveDate;

use super::tally::{self, Tally};
use crate::domain::Category;
use crate::domain::input::format_date;
use crate::message::FileRef;
use crate::store::Tx;
use crate::store::communes::Commune;
use crate::text::{Lang, Texts};

static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

const COLOURS: [RGBColor; 4] = [
    RGBColor(198, 40, 40),
    RGBColor(239, 108, 0),
    RGBColor(46, 125, 50),
    RGBColor(117, 117, 117),
];
const PEOPLE: RGBColor = RGBColor(21, 101, 192);

/// What the chart shows, as numbers: one place per hamlet, confirmed households stacked by
/// category, and beside them the people with a disability (counted in people, not
/// households).
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub title: String,
    pub hamlets: Vec<String>,
    /// (label, count per hamlet) per category.
    pub households: Vec<(String, Vec<i64>)>,
    /// (label, count per hamlet).
    pub people: (String, Vec<i64>),
}

impl Bars {
    pub fn of(tally: &Tally, commune: &str, texts: &Texts, lang: Lang) -> Bars {
        let households = Category::ALL
            .iter()
            .enumerate()
            .map(|(k, cat)| {
                let values = tally.hamlets.iter().map(|h| h.confirmed[k]).collect();
                (texts.get(lang, cat.message_id(), &[]), values)
            })
            .collect();
        Bars {
            title: texts.get(
                lang,
                "chart-title",
                &[
                    ("commune", commune.to_string().into()),
                    ("day", format_date(tally.day).into()),
                ],
            ),
            hamlets: tally.hamlets.iter().map(|h| h.hamlet.clone()).collect(),
            households,
            people: (
                texts.get(lang, "chart-people", &[]),
                tally.hamlets.iter().map(|h| h.people).collect(),
            ),
        }
    }
}

/// The chart for a commune on `day`, or None when it has nothing to count yet.
pub async fn households_png(
    tx: &mut Tx,
    commune: &Commune,
    day: NaiveDate,
    texts: &Texts,
    lang: Lang,
) -> anyhow::Result<Option<FileRef>> {
    let tally = tally::of_commune(tx, commune, day).await?;
    of_tally(&tally, &commune.name, texts, lang)
}

/// The chart of counts already made (the digest's), drawn with no database at hand; None
/// when there is nothing to count yet.
pub fn of_tally(
    tally: &Tally,
    commune: &str,
    texts: &Texts,
    lang: Lang,
) -> anyhow::Result<Option<FileRef>> {
    if tally.confirmed_total() + tally.people_total() == 0 {
        return Ok(None);
    }
    let png = draw(&Bars::of(tally, commune, texts, lang))?;
    Ok(Some(FileRef::inline("photo", NAME, &png)))
}

/// What the chart's file is called.
pub const NAME: &str = "ho-theo-xom.png";

/// Draws stacked bars, one per hamlet, a colour per category, with a narrow bar of people
/// beside each; returns PNG bytes.
pub fn draw(bars: &Bars) -> anyhow::Result<Vec<u8>> {
    let (title, hamlets, series) = (&bars.title, &bars.hamlets, &bars.households);
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
    let (w, h) = (800u32, 500u32);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE)?;
        let max = (0..hamlets.len())
            .map(|i| {
                series
                    .iter()
                    .map(|(_, v)| v[i])
                    .sum::<i64>()
                    .max(bars.people.1[i])
            })
            .max()
            .unwrap_or(1)
            .max(1);
        let n = hamlets.len() as i32;
        // A hamlet's place, in pixels (the plot is the width less margins and the y labels):
        // the households' bar takes its left half, the people's a narrow bar on the right.
        // (The segmented axis has one place more than there are hamlets: the last stays
        // empty.)
        let place = (w - 2 * 15 - 40) as f64 / (n + 1) as f64;
        let px = |share: f64| (place * share) as u32;
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
                    // The households' bar on the left of the hamlet's place, the people's
                    // on the right.
                    r.set_margin(0, 0, px(0.1), px(0.4));
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
        let (name, values) = &bars.people;
        let people: Vec<_> = values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0)
            .map(|(i, v)| {
                let i = i as i32;
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0),
                        (SegmentValue::Exact(i + 1), *v),
                    ],
                    PEOPLE.filled(),
                );
                r.set_margin(0, 0, px(0.65), px(0.1));
                r
            })
            .collect();
        chart
            .draw_series(people)?
            .label(name.clone())
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], PEOPLE.filled()));
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
