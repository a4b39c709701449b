/*
 * An IVRS with every block this iasl (20200925) can compile: an IVHD of type
 * 10h with device entries of every type it knows (pad, select, ranges, alias
 * select and range, extended select and range, special devices IOAPIC and
 * HPET), an IVHD of type 11h (EFR image) with an All entry, and IVMDs of
 * types 20h, 21h and 22h.  IVHD type 40h and ACPI HID device entries (F0h)
 * postdate this iasl: tests/acpi-iasl.sh appends them with python.
 */
[0004]                          Signature : "IVRS"
[0004]                       Table Length : 00000120
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "SMMUSH"
[0008]                       Oem Table ID : "IVRSFULL"
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                Virtualization Info : 00203041
[0008]                           Reserved : 0000000000000000

[0001]                      Subtable Type : 10
[0001]                              Flags : B0
[0002]                             Length : 0060
[0002]                           DeviceId : 0002

[0002]                  Capability Offset : 0040
[0008]                       Base Address : 00000000FEB80000
[0002]                  PCI Segment Group : 0000
[0002]                Virtualization Info : 0100
[0004]                  Feature Reporting : 80048F6E

[0001]                         Entry Type : 00
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0010
[0001]                       Data Setting : 00

[0001]                         Entry Type : 03
[0002]                          Device ID : 0018
[0001]                       Data Setting : C7

[0001]                         Entry Type : 04
[0002]                          Device ID : 001F
[0001]                       Data Setting : 00

[0001]                         Entry Type : 42
[0002]                          Device ID : 0100
[0001]                       Data Setting : 00
[0001]                           Reserved : 00
[0002]              Source Used Device ID : 00A8
[0001]                           Reserved : 00

[0001]                         Entry Type : 43
[0002]                          Device ID : 0200
[0001]                       Data Setting : 00
[0001]                           Reserved : 00
[0002]              Source Used Device ID : 00B0
[0001]                           Reserved : 00

[0001]                         Entry Type : 04
[0002]                          Device ID : 02FF
[0001]                       Data Setting : 00

[0001]                         Entry Type : 46
[0002]                          Device ID : 0028
[0001]                       Data Setting : 00
[0004]                      Extended Data : 80000000

[0001]                         Entry Type : 47
[0002]                          Device ID : 0030
[0001]                       Data Setting : 00
[0004]                      Extended Data : 00000000

[0001]                         Entry Type : 04
[0002]                          Device ID : 0037
[0001]                       Data Setting : 00

[0001]                         Entry Type : 48
[0002]                          Device ID : 0000
[0001]                       Data Setting : D7
[0001]                             Handle : 21
[0002]              Source Used Device ID : 00A0
[0001]                            Variety : 01

[0001]                         Entry Type : 48
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00
[0001]                             Handle : 00
[0002]              Source Used Device ID : 00A5
[0001]                            Variety : 02

[0001]                      Subtable Type : 11
[0001]                              Flags : 30
[0002]                             Length : 0030
[0002]                           DeviceId : 0002

[0002]                  Capability Offset : 0040
[0008]                       Base Address : 00000000FEB80000
[0002]                  PCI Segment Group : 0000
[0002]                Virtualization Info : 0100
[0004]                         Attributes : 00040000
[0008]                          EFR Image : 246577EFA2254AFA
[0008]                           Reserved : 0000000000000000

[0001]                         Entry Type : 01
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0008
[0001]                       Data Setting : 00

[0001]                      Subtable Type : 20
[0001]                              Flags : 07
[0002]                             Length : 0020
[0002]                           DeviceId : 0000

[0002]                     Auxiliary Data : 0000
[0008]                           Reserved : 0000000000000000
[0008]                      Start Address : 00000000000A0000
[0008]                      Memory Length : 0000000000020000

[0001]                      Subtable Type : 21
[0001]                              Flags : 0E
[0002]                             Length : 0020
[0002]                           DeviceId : 0010

[0002]                     Auxiliary Data : 0000
[0008]                           Reserved : 0000000000000000
[0008]                      Start Address : 00000000C0000000
[0008]                      Memory Length : 0000000000100000

[0001]                      Subtable Type : 22
[0001]                              Flags : 03
[0002]                             Length : 0020
[0002]                           DeviceId : 0018

[0002]                     Auxiliary Data : 001F
[0008]                           Reserved : 0000000000000000
[0008]                      Start Address : 00000000FF000000
[0008]                      Memory Length : 0000000000001000
