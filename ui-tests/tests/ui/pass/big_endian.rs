#![deny(warnings)]

use ctypes_core::{c_struct, CTyped};

/// A wire header: big-endian scalars, a bit-field pair in one byte, a nested record.
#[c_struct(endian = "big")]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Header {
    pub magic: u32,
    #[c(bits = 4)]
    pub version: u8,
    #[c(bits = 4)]
    pub ihl: u8,
    pub lengths: [u16; 2],
}

#[c_struct(endian = "big")]
#[derive(Clone, Copy)]
pub struct Packet {
    pub header: Header,
    pub payload: [u8; 4],
}

fn main() {
    let mut header = Header::default();
    header.set_magic(0x0102_0304);
    header.set_version(4);
    header.set_ihl(5);
    header.set_lengths([0x0506, 0x0708]);
    assert_eq!(header.as_bytes(), &[1, 2, 3, 4, 0x45, 0, 5, 6, 7, 8, 0, 0]);
    let mut packet = Packet::default();
    packet.set_header(header);
    assert_eq!(packet.header(), header);
    assert_eq!(Packet::c_type().size().unwrap(), 16);
}
