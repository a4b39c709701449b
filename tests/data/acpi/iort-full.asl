/*
 * An IORT with every node type this iasl (20200925) can compile: an ITS
 * group with two ITSs, an SMMUv3 whose MSIs map to the ITS, an SMMUv2 with
 * context and PMU interrupts, a root complex whose RIDs map to both SMMUs, a
 * named component behind the SMMUv3 and a PMCG of the SMMUv3.  RMR nodes
 * postdate this iasl: tests/acpi-iasl.sh builds one with python.
 */
[0004]                          Signature : "IORT"    [IO Remapping Table]
[0004]                       Table Length : 000001E0
[0001]                           Revision : 00
[0001]                           Checksum : 00
[0006]                             Oem ID : "SMMUSH"
[0008]                       Oem Table ID : "IORTFULL"
[0004]                       Oem Revision : 00000003
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                         Node Count : 00000006
[0004]                        Node Offset : 00000030
[0004]                           Reserved : 00000000

/* 0x030: ITS group */
[0001]                               Type : 00
[0002]                             Length : 001C
[0001]                           Revision : 01
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000000
[0004]                     Mapping Offset : 00000000

[0004]                           ItsCount : 00000002
[0004]                        Identifiers : 00000000
[0004]                        Identifiers : 00000001

/* 0x04C: SMMUv3 */
[0001]                               Type : 04
[0002]                             Length : 0058
[0001]                           Revision : 04
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000001
[0004]                     Mapping Offset : 00000044

[0008]                       Base Address : 0000000009050000
[0004]              Flags (decoded below) : 00000019
                          COHACC Override : 1
                            HTTU Override : 0
                   Proximity Domain Valid : 1
[0004]                           Reserved : 00000000
[0008]                      VATOS Address : 0000000000000000
[0004]                              Model : 00000000
[0004]                         Event GSIV : 0000006A
[0004]                           PRI GSIV : 0000006B
[0004]                          GERR GSIV : 0000006D
[0004]                          Sync GSIV : 0000006C
[0004]                   Proximity Domain : 00000002
[0004]            Device ID Mapping Index : 00000000

[0004]                         Input base : 00000000
[0004]                           ID Count : 00000000
[0004]                        Output Base : 00010000
[0004]                   Output Reference : 00000030
[0004]              Flags (decoded below) : 00000001
                           Single Mapping : 1

/* 0x0A4: SMMUv2 */
[0001]                               Type : 03
[0002]                             Length : 0078
[0001]                           Revision : 01
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000001
[0004]                     Mapping Offset : 00000064

[0008]                       Base Address : 000000002B400000
[0008]                               Span : 0000000000010000
[0004]                              Model : 00000003
[0004]              Flags (decoded below) : 00000003
                            DVM Supported : 1
                            Coherent Walk : 1
[0004]            Global Interrupt Offset : 0000003C
[0004]            Context Interrupt Count : 00000002
[0004]           Context Interrupt Offset : 0000004C
[0004]                PMU Interrupt Count : 00000001
[0004]               PMU Interrupt Offset : 0000005C

[0004]                            NSgIrpt : 00000050
[0004]      NSgIrpt Flags (decoded below) : 00000001
                           Edge Triggered : 1
[0004]                         NSgCfgIrpt : 00000051
[0004]   NSgCfgIrpt Flags (decoded below) : 00000000
                           Edge Triggered : 0

[0008]                  Context Interrupt : 0000000100000060
[0008]                  Context Interrupt : 0000000000000061

[0008]                      PMU Interrupt : 0000000000000062

[0004]                         Input base : 00000000
[0004]                           ID Count : 0000FFFF
[0004]                        Output Base : 00020000
[0004]                   Output Reference : 00000030
[0004]              Flags (decoded below) : 00000000
                           Single Mapping : 0

/* 0x11C: PCI root complex */
[0001]                               Type : 02
[0002]                             Length : 004C
[0001]                           Revision : 01
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000002
[0004]                     Mapping Offset : 00000024

[0008]                  Memory Properties : [IORT Memory Access Properties]
[0004]                    Cache Coherency : 00000001
[0001]              Hints (decoded below) : 0F
                                Transient : 1
                           Write Allocate : 1
                            Read Allocate : 1
                                 Override : 1
[0002]                           Reserved : 0000
[0001]       Memory Flags (decoded below) : 03
                                Coherency : 1
                         Device Attribute : 1
[0004]                      ATS Attribute : 00000001
[0004]                 PCI Segment Number : 00000000
[0001]                  Memory Size Limit : 30
[0003]                           Reserved : 000000

[0004]                         Input base : 00000000
[0004]                           ID Count : 000000FF
[0004]                        Output Base : 00000000
[0004]                   Output Reference : 0000004C
[0004]              Flags (decoded below) : 00000000
                           Single Mapping : 0

[0004]                         Input base : 00000100
[0004]                           ID Count : 000000FF
[0004]                        Output Base : 00000100
[0004]                   Output Reference : 000000A4
[0004]              Flags (decoded below) : 00000000
                           Single Mapping : 0

/* 0x168: named component */
[0001]                               Type : 01
[0002]                             Length : 003C
[0001]                           Revision : 02
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000001
[0004]                     Mapping Offset : 00000028

[0004]                         Node Flags : 00000000
[0008]                  Memory Properties : [IORT Memory Access Properties]
[0004]                    Cache Coherency : 00000000
[0001]              Hints (decoded below) : 02
                                Transient : 0
                           Write Allocate : 1
                            Read Allocate : 0
                                 Override : 0
[0002]                           Reserved : 0000
[0001]       Memory Flags (decoded below) : 00
                                Coherency : 0
                         Device Attribute : 0
[0001]                  Memory Size Limit : 28
[0010]                        Device Name : "\_SB.ETH0"
[0001]                            Padding : 00

[0004]                         Input base : 00000000
[0004]                           ID Count : 00000000
[0004]                        Output Base : 00000300
[0004]                   Output Reference : 0000004C
[0004]              Flags (decoded below) : 00000001
                           Single Mapping : 1

/* 0x1A4: PMCG of the SMMUv3 */
[0001]                               Type : 05
[0002]                             Length : 003C
[0001]                           Revision : 01
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000001
[0004]                     Mapping Offset : 00000028

[0008]                Page 0 Base Address : 0000000009060000
[0004]            Overflow Interrupt GSIV : 00000070
[0004]                     Node Reference : 0000004C
[0008]                Page 1 Base Address : 0000000009070000

[0004]                         Input base : 00000000
[0004]                           ID Count : 00000000
[0004]                        Output Base : 00010001
[0004]                   Output Reference : 00000030
[0004]              Flags (decoded below) : 00000001
                           Single Mapping : 1
