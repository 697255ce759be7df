//! Fonts and sizes for the till: large, readable, and with every glyph we show
//! (Cyrillic, Polish, ₽, №) in the bundled DejaVu fonts.

use std::sync::Arc;

use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId, TextStyle};

/// The font family of bold receipt lines in the preview.
pub const MONO_BOLD: &str = "mono-bold";

/// Installs the bundled fonts and the till's text sizes.
pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "dejavu-sans".into(),
        Arc::new(FontData::from_static(include_bytes!(
            "../../assets/fonts/DejaVuSans.ttf"
        ))),
    );
    fonts.font_data.insert(
        "dejavu-mono".into(),
        Arc::new(FontData::from_static(include_bytes!(
            "../../assets/fonts/DejaVuSansMono.ttf"
        ))),
    );
    fonts.font_data.insert(
        "dejavu-mono-bold".into(),
        Arc::new(FontData::from_static(include_bytes!(
            "../../assets/fonts/DejaVuSansMono-Bold.ttf"
        ))),
    );
    fonts
        .families
        .entry(FontFamily::Proportional)
        .or_default()
        .insert(0, "dejavu-sans".into());
    fonts
        .families
        .entry(FontFamily::Monospace)
        .or_default()
        .insert(0, "dejavu-mono".into());
    fonts.families.insert(
        FontFamily::Name(MONO_BOLD.into()),
        vec!["dejavu-mono-bold".into(), "dejavu-mono".into()],
    );
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(28.0)),
            (TextStyle::Body, FontId::proportional(19.0)),
            (TextStyle::Button, FontId::proportional(19.0)),
            (TextStyle::Small, FontId::proportional(14.0)),
            (TextStyle::Monospace, FontId::monospace(15.0)),
        ]
        .into();
        style.spacing.button_padding = egui::vec2(14.0, 8.0);
        style.spacing.item_spacing = egui::vec2(10.0, 8.0);
        // Touch panels: every button at least 44 px high (WCAG 2.5.5, Apple's HIG).
        style.spacing.interact_size.y = MIN_TOUCH;
        // Secondary text (hints, small labels) at WCAG AA contrast on the dark panels:
        // grey 170 on the panel's grey 27 is about 7.9:1 (AA asks 4.5:1).
        style.visuals.weak_text_color = Some(WEAK_TEXT);
    });
}

/// The smallest height of anything a finger must hit.
pub const MIN_TOUCH: f32 = 44.0;

/// Secondary text: readable on the dark panels (WCAG AA).
pub const WEAK_TEXT: Color32 = Color32::from_gray(170);

/// The contrast ratio of two colours (WCAG 2.x relative luminance).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    fn luminance(c: Color32) -> f32 {
        let lin = |v: u8| {
            let s = f32::from(v) / 255.0;
            if s <= 0.040_45 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The step's primary action: filled with the accent colour, bold, so it stands out
/// from the secondary buttons beside it.
pub fn primary<'a>(ui: &egui::Ui, text: &str) -> egui::Button<'a> {
    let fill = ui.visuals().selection.bg_fill;
    egui::Button::new(egui::RichText::new(text).strong().color(Color32::WHITE)).fill(fill)
}

/// Red for errors beside fields.
pub fn error_color(ui: &egui::Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// The training banner's background.
pub const TRAINING_BG: Color32 = Color32::from_rgb(0xF2, 0xA9, 0x00);
