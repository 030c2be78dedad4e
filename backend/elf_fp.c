/*
 * elf_fp.c - does an x86-64 ELF binary keep frame pointers? (see elf_fp.h)
 *
 * Design: reads the section headers and the symbol table with bounds
 * checked against the section table and the file, then the first bytes of
 * `main` or of the Rust functions; never maps or trusts an offset.
 *
 * Never: read outside a section the headers name, or allocate more than a
 * 256 MiB string table.
 */
#include "elf_fp.h"
#include "xalloc.h"

#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool elf_fp_stream(FILE *fp)
{
	Elf64_Ehdr eh;
	Elf64_Shdr *sh = NULL;
	char *strtab = NULL;
	int checked = 0, with_fp = 0, main_fp = -1;

	if (fread(&eh, sizeof(eh), 1, fp) != 1 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shnum > 4096)
		goto out;
	sh = xcalloc(eh.e_shnum, sizeof(*sh));
	if (fseek(fp, (long)eh.e_shoff, SEEK_SET) != 0 || fread(sh, sizeof(*sh), eh.e_shnum, fp) != eh.e_shnum)
		goto out;
	for (int i = 0; i < eh.e_shnum && main_fp < 0; i++) {
		Elf64_Shdr *str;
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh.e_shnum || sh[i].sh_entsize != sizeof(Elf64_Sym))
			continue;
		str = &sh[sh[i].sh_link];
		if (str->sh_size > 256u << 20)
			continue;
		free(strtab);
		strtab = xmalloc(str->sh_size + 1);
		strtab[str->sh_size] = '\0';
		if (fseek(fp, (long)str->sh_offset, SEEK_SET) != 0 || fread(strtab, 1, str->sh_size, fp) != str->sh_size)
			goto out;
		for (uint64_t k = 0; k < sh[i].sh_size / sizeof(Elf64_Sym) && main_fp < 0; k++) {
			Elf64_Sym sym;
			Elf64_Shdr *sec;
			unsigned char code[8];
			const char *name;
			size_t skip = 0;
			if (fseek(fp, (long)(sh[i].sh_offset + k * sizeof(sym)), SEEK_SET) != 0 ||
			    fread(&sym, sizeof(sym), 1, fp) != 1)
				goto out;
			if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_size < 16 ||
			    sym.st_shndx == 0 || sym.st_shndx >= eh.e_shnum || sym.st_name >= str->sh_size)
				continue;
			name = strtab + sym.st_name;
			if (strcmp(name, "main") != 0 && strncmp(name, "_ZN", 3) != 0 && strncmp(name, "_R", 2) != 0)
				continue;
			sec = &sh[sym.st_shndx];
			if (sec->sh_type != SHT_PROGBITS || sym.st_value < sec->sh_addr ||
			    sym.st_value + 8 > sec->sh_addr + sec->sh_size)
				continue;
			if (fseek(fp, (long)(sec->sh_offset + (sym.st_value - sec->sh_addr)), SEEK_SET) != 0 ||
			    fread(code, 1, 8, fp) != 8)
				continue;
			if (code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa)
				skip = 4;
			{
				bool has = code[skip] == 0x55 && skip + 3 < 8 && code[skip + 1] == 0x48 &&
					   code[skip + 2] == 0x89 && code[skip + 3] == 0xe5;
				if (strcmp(name, "main") == 0) {
					main_fp = has;
					continue;
				}
				checked++;
				with_fp += has;
			}
		}
	}
out:
	free(sh);
	free(strtab);
	if (main_fp >= 0)
		return main_fp == 1;
	return checked >= 4 && with_fp * 10 >= checked * 8;
}


bool elf_has_frame_pointers(const char *path)
{
	FILE *fp = fopen(path, "rb");
	bool has;

	if (!fp)
		return false;
	has = elf_fp_stream(fp);
	fclose(fp);
	return has;
}
