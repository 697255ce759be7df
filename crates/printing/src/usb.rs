//! USB printers by vendor:product id, through the escpos crate's `native_usb` driver
//! (nusb: pure Rust, no libusb). On Linux the device node must be writable by the
//! cashier's user: `packaging/linux/60-paydesk-printers.rules` is the udev rule.

use std::path::PathBuf;
use std::time::Duration;

use escpos::driver::{Driver, NativeUsbDriver};
use nusb::MaybeFuture;

use super::transport::{PrintJob, Transport, TransportError};

/// USB class code of printers.
const PRINTER_CLASS: u8 = 7;

/// A USB device found on this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundUsb {
    /// Vendor id.
    pub vendor_id: u16,
    /// Product id.
    pub product_id: u16,
    /// "EPSON TM-T20III".
    pub name: String,
    /// True when it says it is a printer (USB class 7).
    pub is_printer: bool,
    /// The device node paydesk must be allowed to open (Linux).
    pub node: Option<PathBuf>,
}

impl FoundUsb {
    /// `04b8:0e28`.
    pub fn id(&self) -> String {
        format!("{:04x}:{:04x}", self.vendor_id, self.product_id)
    }
}

/// Parses `04b8:0e28` (hex vendor:product).
pub fn parse_id(text: &str) -> Option<(u16, u16)> {
    let (v, p) = text.trim().split_once(':')?;
    Some((
        u16::from_str_radix(v.trim(), 16).ok()?,
        u16::from_str_radix(p.trim(), 16).ok()?,
    ))
}

/// USB devices the system reports, printers first.
pub fn list_devices() -> Vec<FoundUsb> {
    let Ok(devices) = nusb::list_devices().wait() else {
        return Vec::new();
    };
    let mut found: Vec<FoundUsb> = devices
        .map(|d| FoundUsb {
            vendor_id: d.vendor_id(),
            product_id: d.product_id(),
            name: format!(
                "{} {}",
                d.manufacturer_string().unwrap_or(""),
                d.product_string().unwrap_or("")
            )
            .trim()
            .to_string(),
            is_printer: d.class() == PRINTER_CLASS
                || d.interfaces().any(|i| i.class() == PRINTER_CLASS),
            node: device_node(&d),
        })
        .collect();
    found.sort_by_key(|d| (!d.is_printer, d.vendor_id, d.product_id));
    found
}

#[cfg(target_os = "linux")]
fn device_node(d: &nusb::DeviceInfo) -> Option<PathBuf> {
    Some(PathBuf::from(format!(
        "/dev/bus/usb/{:03}/{:03}",
        d.busnum(),
        d.device_address()
    )))
}

#[cfg(not(target_os = "linux"))]
fn device_node(_d: &nusb::DeviceInfo) -> Option<PathBuf> {
    None
}

/// A printer on USB. The device is claimed on first use and kept.
pub struct UsbTransport {
    vendor_id: u16,
    product_id: u16,
    driver: Option<NativeUsbDriver>,
}

impl UsbTransport {
    /// The printer with this vendor:product id.
    pub fn new(vendor_id: u16, product_id: u16) -> UsbTransport {
        UsbTransport {
            vendor_id,
            product_id,
            driver: None,
        }
    }

    fn what(&self) -> String {
        format!("USB {:04x}:{:04x}", self.vendor_id, self.product_id)
    }

    fn driver(&mut self) -> Result<&NativeUsbDriver, TransportError> {
        if self.driver.is_none() {
            let what = self.what();
            let found = list_devices()
                .into_iter()
                .find(|d| d.vendor_id == self.vendor_id && d.product_id == self.product_id)
                .ok_or_else(|| TransportError::NotFound {
                    what: what.clone(),
                    detail: "no such device is plugged in".into(),
                })?;
            // Check access first: the driver only says "Permission denied" in prose.
            if let Some(node) = &found.node
                && let Err(e) = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(node)
            {
                return Err(TransportError::io(
                    format!("{what} ({})", node.display()),
                    e,
                ));
            }
            let driver = NativeUsbDriver::open(self.vendor_id, self.product_id).map_err(|e| {
                TransportError::Io {
                    what: what.clone(),
                    source: std::io::Error::other(e.to_string()),
                }
            })?;
            self.driver = Some(driver);
        }
        Ok(self.driver.as_ref().expect("opened above"))
    }
}

impl Transport for UsbTransport {
    fn describe(&self) -> String {
        self.what()
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), TransportError> {
        let what = self.what();
        let r = self.driver().and_then(|d| {
            d.write(&job.bytes).map_err(|e| TransportError::Io {
                what,
                source: std::io::Error::other(e.to_string()),
            })
        });
        if r.is_err() {
            self.driver = None;
        }
        r
    }

    fn ask(&mut self, request: &[u8], _timeout: Duration) -> Result<Option<u8>, TransportError> {
        // The driver waits up to its own 5 s for the answer packet.
        let what = self.what();
        let r = self.driver().and_then(|d| {
            let err = |e: escpos::errors::PrinterError| TransportError::Io {
                what: what.clone(),
                source: std::io::Error::other(e.to_string()),
            };
            d.write(request).map_err(err)?;
            let mut buf = [0u8; 8];
            let n = d.read(&mut buf).map_err(err)?;
            Ok((n > 0).then(|| buf[n - 1]))
        });
        if r.is_err() {
            self.driver = None;
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usb_ids_table() {
        let cases: &[(&str, Option<(u16, u16)>)] = &[
            ("04b8:0e28", Some((0x04b8, 0x0e28))),
            (" 0483 : 5740 ", Some((0x0483, 0x5740))),
            ("04B8:0E28", Some((0x04b8, 0x0e28))),
            ("04b8", None),
            ("zz:0e28", None),
            ("10000:1", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_id(text), *expected, "{text}");
        }
    }

    #[test]
    fn a_device_that_is_not_plugged_in_is_not_found() {
        let mut t = UsbTransport::new(0xfffe, 0xfffd);
        let err = t
            .send(&PrintJob {
                name: "x".into(),
                bytes: vec![0x1B, b'@'],
            })
            .unwrap_err();
        assert!(matches!(err, TransportError::NotFound { .. }), "{err}");
        assert!(err.to_string().contains("USB fffe:fffd"), "{err}");
    }
}
