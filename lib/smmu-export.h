/* SPDX-License-Identifier: MIT */
/*
 * SMMU_EXPORT marks each function of libsmmu's public API.  The library is
 * compiled with -fvisibility=hidden, so these, and nothing else, are what
 * libsmmu.so exports (lib/libsmmu.ver also keeps every exported name under
 * smmu_).  For a program using the library the macro changes nothing.
 */
#ifndef SMMU_EXPORT_H
#define SMMU_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define SMMU_EXPORT __attribute__((visibility("default")))
#else
#define SMMU_EXPORT
#endif

#endif
