//! The loss chart, drawn with plotters into a page canvas on the main thread (a worker has no
//! DOM canvas): fill → ChartBuilder → LineSeries → present, redrawn from the history slice.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::playground::HISTORY_STRIDE;

/// Okabe–Ito blue and vermillion: distinct for every common colour-vision deficiency.
const TRAIN: RGBColor = RGBColor(0, 114, 178);
const TEST: RGBColor = RGBColor(213, 94, 0);
/// Losses below this are drawn at this height on the log axis (log 0 is −∞).
const LOG_FLOOR: f32 = 1e-7;

fn draw_err<E: std::fmt::Debug>(e: E) -> JsError {
    JsError::new(&format!("could not draw the loss chart: {e:?}"))
}

/// Draws train and test loss against epochs from `history` (the `Playground.history(0)` array,
/// stride 6). `log_scale` plots log10(loss); `hover_epoch` adds a marker and the values there.
#[wasm_bindgen]
pub fn draw_loss_chart(
    canvas: HtmlCanvasElement,
    history: &[f32],
    log_scale: bool,
    hover_epoch: Option<f64>,
) -> Result<(), JsError> {
    let width = canvas.width().max(1) as usize;
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| JsError::new("the loss chart canvas has no 2-D drawing context"))?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;

    let rows: Vec<&[f32]> = history.chunks_exact(HISTORY_STRIDE).collect();
    // At most about two points per pixel column: a long run stays cheap to redraw.
    let stride = rows.len().div_ceil(2 * width).max(1);
    let y_of = |v: f32| {
        if log_scale {
            v.max(LOG_FLOOR).log10()
        } else {
            v
        }
    };
    let series = |col: usize| -> Vec<(f32, f32)> {
        rows.iter()
            .step_by(stride)
            .chain(rows.last())
            .filter(|r| r[1].is_finite() && r[col].is_finite())
            .map(|r| (r[1], y_of(r[col])))
            .collect()
    };
    let (train, test) = (series(2), series(3));

    let x_max = rows
        .iter()
        .map(|r| r[1])
        .filter(|v| v.is_finite())
        .fold(0.0f32, f32::max)
        // At least one epoch wide, so an empty chart's axis reads 0…1 rather than 0.0 three times.
        .max(1.0);
    let ys = train.iter().chain(&test).map(|p| p.1);
    let (lo, hi) = ys.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    let (y_min, y_max) = if !lo.is_finite() {
        if log_scale { (-3.0, 0.0) } else { (0.0, 1.0) }
    } else if log_scale {
        let (a, b) = (lo.floor(), hi.ceil());
        (a, if b > a { b } else { a + 1.0 })
    } else {
        (0.0, if hi > 0.0 { hi * 1.05 } else { 1.0 })
    };

    let mut chart = ChartBuilder::on(&root)
        .margin(6)
        // Room for the last x label, which is centred on the right edge.
        .margin_right(18)
        .x_label_area_size(34)
        .y_label_area_size(46)
        .build_cartesian_2d(0f32..x_max, y_min..y_max)
        .map_err(draw_err)?;
    let y_label = |v: &f32| {
        if log_scale {
            format!("{:.0e}", 10f32.powf(*v))
        } else {
            format!("{v:.2}")
        }
    };
    // Whole epochs once there are a few; fractions early in a run.
    let x_label = |v: &f32| {
        if x_max >= 5.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    chart
        .configure_mesh()
        .x_labels(5)
        .y_labels(5)
        .light_line_style(WHITE)
        .y_label_formatter(&y_label)
        .x_label_formatter(&x_label)
        .x_desc("epoch")
        .draw()
        .map_err(draw_err)?;
    chart
        .draw_series(LineSeries::new(train, TRAIN.stroke_width(2)))
        .map_err(draw_err)?
        .label("train")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], TRAIN.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(test, TEST.stroke_width(2)))
        .map_err(draw_err)?
        .label("test")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], TEST.stroke_width(2)));

    if let Some(e) = hover_epoch.map(|e| e as f32).filter(|e| e.is_finite())
        && let Some(row) = rows
            .iter()
            .filter(|r| r[1].is_finite())
            .min_by(|a, b| (a[1] - e).abs().total_cmp(&(b[1] - e).abs()))
    {
        let x = row[1];
        chart
            .draw_series(LineSeries::new([(x, y_min), (x, y_max)], BLACK.mix(0.4)))
            .map_err(draw_err)?;
        for (col, colour, name) in [(2, TRAIN, "train"), (3, TEST, "test")] {
            if row[col].is_finite() {
                let y = y_of(row[col]);
                chart
                    .draw_series(std::iter::once(Circle::new((x, y), 4, colour.filled())))
                    .map_err(draw_err)?;
                // Train's value above the point, test's below, so they do not overlap.
                let offset = if col == 2 { -18 } else { 6 };
                let label = EmptyElement::at((x, y))
                    + Text::new(
                        format!("{name} {:.4}", row[col]),
                        (8, offset),
                        ("sans-serif", 12).into_font().color(&colour),
                    );
                chart
                    .draw_series(std::iter::once(label))
                    .map_err(draw_err)?;
            }
        }
    }

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(draw_err)?;
    root.present().map_err(draw_err)?;
    Ok(())
}
