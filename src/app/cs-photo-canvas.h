/* placeholder until written */
#pragma once
