/* SPDX-License-Identifier: MIT */
/* The end of one expansion of a .def file (see def.h): its vocabulary undefined. */
#undef ENUMS
#undef LIST
#undef REG
#undef REG_PAGE1
#undef REG_GR1
#undef REG_CB
#undef REG_DYN
#undef STRUCT
#undef SELECT
#undef VARIANT
#undef END_SELECT
#undef LAYOUT
#undef END_LAYOUT
#undef FIELD
#undef FIELDN
#undef FLAG
#undef FLAGN
