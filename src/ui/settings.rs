//! The settings screen: language (live), what the terminal is configured with.

use egui::RichText;

use crate::app::config::Config;
use crate::i18n::{Lang, T};

/// What the settings screen asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Switch the language now.
    SetLanguage(Lang),
    /// Write the language into the config file.
    Save,
}

/// Draws the settings screen.
pub fn show(
    ui: &mut egui::Ui,
    lang: Lang,
    config: &Config,
    printer: &str,
    note: Option<&str>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.heading(lang.t(T::TabSettings));
    ui.add_space(8.0);
    ui.label(RichText::new(lang.t(T::SettingsLanguage)).strong());
    ui.horizontal(|ui| {
        for l in Lang::ALL {
            // Each button's own name is the language's name (no labelled_by here).
            if ui.selectable_label(l == lang, l.native_name()).clicked() && l != lang {
                actions.push(Action::SetLanguage(l));
            }
        }
    });
    ui.add_space(8.0);
    if ui.button(lang.t(T::SettingsSave)).clicked() {
        actions.push(Action::Save);
    }
    if let Some(n) = note {
        ui.label(n);
    }
    ui.add_space(16.0);
    egui::Grid::new("settings-facts")
        .num_columns(2)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            ui.label(lang.t(T::SettingsConfigFile));
            ui.label(match &config.source {
                Some(p) => p.display().to_string(),
                None => format!(
                    "{} ({})",
                    lang.t(T::SettingsNoConfigFile),
                    config.save_path.display()
                ),
            });
            ui.end_row();
            ui.label(lang.t(T::SettingsShop));
            ui.label(format!("{} · {}", config.shop.name, config.shop.tax_id));
            ui.end_row();
            ui.label(lang.t(T::SettingsPrinter));
            ui.label(format!("{printer} — {}", lang.t(T::SettingsVirtualPrinter)));
            ui.end_row();
        });
    actions
}
