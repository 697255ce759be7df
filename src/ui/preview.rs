//! The on-screen paper: a decoded printout, line by line, as the printer shows it.

use egui::{Align, FontFamily, FontId, Layout, RichText};

use crate::printing::decode::{PaperItem, Printout};
use crate::printing::layout::{Align as PaperAlign, Size};

use super::style::MONO_BOLD;

/// Shows a printout on a white "paper" strip.
pub fn show(ui: &mut egui::Ui, printout: &Printout) {
    let base = 14.0;
    let columns_width = ui.fonts_mut(|f| {
        f.layout_no_wrap(
            "M".repeat(printout.columns),
            FontId::monospace(base),
            egui::Color32::BLACK,
        )
        .size()
        .x
    });
    egui::Frame::new()
        .fill(egui::Color32::from_rgb(0xFD, 0xFD, 0xF8))
        .stroke(egui::Stroke::new(1.0, egui::Color32::GRAY))
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(columns_width);
            ui.spacing_mut().item_spacing.y = 0.0;
            for (i, item) in printout.items.iter().enumerate() {
                ui.push_id(i, |ui| match item {
                    PaperItem::Line(line) => {
                        let family = if line.bold {
                            FontFamily::Name(MONO_BOLD.into())
                        } else {
                            FontFamily::Monospace
                        };
                        // Large is double width and height: twice the size fits its half
                        // of the columns. Tall keeps the width: same size, more height.
                        let size = match line.size {
                            Size::Normal | Size::Tall => base,
                            Size::Large => base * 2.0,
                        };
                        if line.size == Size::Tall {
                            ui.add_space(base * 0.5);
                        }
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
                        if line.size == Size::Tall {
                            ui.add_space(base * 0.5);
                        }
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
