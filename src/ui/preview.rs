//! The on-screen paper: the decoded printout laid on the printer's dot grid
//! ([`crate::printing::paper`]) and painted at the profile's width, scaled to the panel.
//! Screen readers and UI tests get the paper's text as the widget's label.

use egui::{Align2, Color32, FontFamily, FontId, Sense, Stroke, Vec2};

use crate::printing::decode::Printout;
use crate::printing::paper::{self, Mark};

use super::style::MONO_BOLD;

/// DejaVu Sans Mono's advance width as a share of the font size.
const MONO_ADVANCE: f32 = 0.602;

/// Paints a printout on a paper strip as wide as the panel allows (never wider than
/// one screen point per dot).
pub fn show(ui: &mut egui::Ui, printout: &Printout) {
    let image = paper::render(printout);
    let margin = 12.0;
    let available = (ui.available_width() - 2.0 * margin).max(100.0);
    let scale = (available / image.width as f32).min(1.0);
    let size = Vec2::new(
        image.width as f32 * scale + 2.0 * margin,
        image.height as f32 * scale + 2.0 * margin,
    );
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let text = printout.text();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
    let painter = ui.painter_at(rect);
    painter.rect(
        rect,
        0.0,
        Color32::from_rgb(0xFD, 0xFD, 0xF8),
        Stroke::new(1.0, Color32::GRAY),
        egui::StrokeKind::Inside,
    );
    let origin = rect.min + Vec2::splat(margin);
    for mark in &image.marks {
        match mark {
            Mark::Glyph {
                x,
                y,
                w,
                h,
                ch,
                bold,
            } => {
                let family = if *bold {
                    FontFamily::Name(MONO_BOLD.into())
                } else {
                    FontFamily::Monospace
                };
                // The glyph fills its cell's width; a double-height cell keeps the
                // width's size and sits at the cell's bottom, as thermal heads print.
                let font = FontId::new(*w as f32 * scale / MONO_ADVANCE, family);
                let pos = origin
                    + Vec2::new(
                        (*x as f32 + *w as f32 / 2.0) * scale,
                        (*y + *h) as f32 * scale,
                    );
                painter.text(
                    pos,
                    Align2::CENTER_BOTTOM,
                    ch.to_string(),
                    font,
                    Color32::BLACK,
                );
            }
            Mark::Cut { y, partial } => {
                let y = origin.y + *y as f32 * scale;
                let dash = if *partial { 6.0 } else { 3.0 };
                painter.extend(egui::Shape::dashed_line(
                    &[egui::pos2(rect.min.x, y), egui::pos2(rect.max.x, y)],
                    Stroke::new(1.0, Color32::GRAY),
                    dash,
                    3.0,
                ));
            }
            Mark::Qr { x, y, size, .. } => {
                let r = egui::Rect::from_min_size(
                    origin + Vec2::new(*x as f32, *y as f32) * scale,
                    Vec2::splat(*size as f32 * scale),
                );
                painter.rect_stroke(
                    r,
                    0.0,
                    Stroke::new(2.0, Color32::BLACK),
                    egui::StrokeKind::Inside,
                );
                painter.text(
                    r.center(),
                    Align2::CENTER_CENTER,
                    "QR",
                    FontId::monospace((r.width() / 4.0).max(8.0)),
                    Color32::BLACK,
                );
            }
            Mark::DrawerKick { .. } => {}
        }
    }
}
