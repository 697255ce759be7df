//! The on-screen paper: a decoded printout, line by line, as the printer shows it.

use egui::{Align, FontFamily, FontId, Layout, RichText};

use crate::printing::decode::{PaperItem, Printout};
use crate::printing::layout::{Align as PaperAlign, Size};

use super::style::MONO_BOLD;

/// Shows a printout on a white "paper" strip.
pub fn show(ui: &mut egui::Ui, printout: &Printout) {
    let base = 14.0;
    let char_width = ui.fonts_mut(|f| f.glyph_width(&FontId::monospace(base), 'M'));
    let paper_width = char_width * printout.columns as f32 + 24.0;
    egui::Frame::new()
        .fill(egui::Color32::from_rgb(0xFD, 0xFD, 0xF8))
        .stroke(egui::Stroke::new(1.0, egui::Color32::GRAY))
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(paper_width - 24.0);
            ui.spacing_mut().item_spacing.y = 0.0;
            for (i, item) in printout.items.iter().enumerate() {
                ui.push_id(i, |ui| match item {
                    PaperItem::Line(line) => {
                        let family = if line.bold {
                            FontFamily::Name(MONO_BOLD.into())
                        } else {
                            FontFamily::Monospace
                        };
                        let size = match line.size {
                            Size::Normal => base,
                            Size::Tall => base * 1.4,
                            Size::Large => base * 2.0,
                        };
                        let text = RichText::new(if line.text.is_empty() {
                            " "
                        } else {
                            &line.text
                        })
                        .font(FontId::new(size, family))
                        .color(egui::Color32::BLACK);
                        let layout = match line.align {
                            PaperAlign::Left => Layout::top_down(Align::Min),
                            PaperAlign::Center => Layout::top_down(Align::Center),
                        };
                        ui.with_layout(layout, |ui| {
                            ui.add(egui::Label::new(text).extend());
                        });
                    }
                    PaperItem::Cut { .. } => {
                        ui.add_space(6.0);
                        ui.separator();
                        ui.add_space(6.0);
                    }
                    PaperItem::DrawerKick { .. } => {}
                });
            }
        });
}
